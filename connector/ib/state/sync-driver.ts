import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { IbMcpError } from "../../../shared/errors.ts";
import { IB_RETRY_AFTER_MS } from "../ib-errors.ts";
import type { IbLink } from "../link.ts";
import type { Call, RequestScope } from "../request.ts";
import type { IbSession } from "../session.ts";
import type { LiveArea } from "./live-area.ts";

/** How long a (re)sync may take before the area is marked stale (the next read starts another). */
const SYNC_TIMEOUT_MS = 30_000;

export interface SyncDriver {
  /** Starts a sync of `only` (every area by default) on the current link; marks all stale when there is none. */
  sync(only?: LiveArea[]): void;
  /** Abandons every sync in progress and starts all again (the session (re)connected or lost data). */
  resync(): void;
  /** A position changed: executions re-sync once per burst of changes. */
  resyncExecutions(): void;
}

/** Starts and abandons the areas' subscriptions on the connector's current session. */
export function createSyncDriver(
  call: Call,
  currentSession: () => IbSession,
  areas: LiveArea[],
  executionsLive: LiveArea,
): SyncDriver {
  let syncedLink: IbLink | undefined;
  /** Aborted by every resync and loss: a sync of an older session must not keep waiting. */
  let generation = new AbortController();

  const stopAll = (reason: IbMcpError) => {
    generation.abort(reason);
    generation = new AbortController();
    for (const a of areas) a.stop(reason);
  };

  /** A sync's scope: aborted by the next resync or loss, or after SYNC_TIMEOUT_MS; `end()` once it settled. */
  function syncScope(): { scope: RequestScope; end: () => void } {
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new IbMcpError("TIMEOUT", `the session state did not sync within ${SYNC_TIMEOUT_MS} ms; try again`),
        ),
      SYNC_TIMEOUT_MS,
    );
    timer.unref();
    const signal = AbortSignal.any([generation.signal, timeout.signal]);
    return { scope: { signal, deadlineAt: Date.now() + SYNC_TIMEOUT_MS }, end: () => clearTimeout(timer) };
  }

  function watchLoss(link: IbLink): void {
    if (link === syncedLink) return;
    syncedLink = link;
    // the loss is also announced through resync(); this covers a session nobody wired to it
    void link.lost.then((reason) => {
      if (syncedLink !== link) return;
      syncedLink = undefined;
      stopAll(
        new IbMcpError("IB_UNAVAILABLE", `the IB session was lost (${reason}); reconnecting`, {
          retryAfterMs: IB_RETRY_AFTER_MS,
        }),
      );
    });
  }

  /** Starts a sync of `only` (every area by default) on the current link; marks all stale when there is none. */
  function sync(only: LiveArea[] = areas): void {
    let link: IbLink;
    try {
      link = currentSession().link();
    } catch (err) {
      stopAll(err as IbMcpError);
      return;
    }
    watchLoss(link);
    const { scope, end } = syncScope();
    // background work of no tool call: traced, each sync would be a trace of its own in every tool's trace view
    const syncs = context.with(suppressTracing(context.active()), () =>
      only.map((a) => a.sync(call, link.accounts, scope)),
    );
    void Promise.allSettled(syncs).then(end);
  }

  /**
   * IB pushes every client's position changes but only our own fills: a position change re-syncs executions.
   * Readers wait from the change on; the changes of one fill (a combo's legs) arrive together and share one sync.
   */
  let executionsResync = false;
  function resyncExecutions(): void {
    executionsLive.freshness.syncing();
    if (executionsResync) return;
    executionsResync = true;
    setImmediate(() => {
      executionsResync = false;
      sync([executionsLive]);
    });
  }

  return {
    sync,
    resync() {
      generation.abort();
      generation = new AbortController();
      sync();
    },
    resyncExecutions,
  };
}
