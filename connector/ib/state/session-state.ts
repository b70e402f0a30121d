import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { IbMcpError } from "../../../shared/errors.ts";
import type { SessionStateArea } from "../../../shared/tools/get-connection-status.ts";
import type {
  AccountSummary,
  AccountValue,
  Execution,
  PnlValues,
  PortfolioItem,
  Positions,
} from "../client.ts";
import { IB_RETRY_AFTER_MS } from "../ib-errors.ts";
import type { IbLink } from "../link.ts";
import type { Call, RequestScope } from "../request.ts";
import type { IbSession } from "../session.ts";
import { accountSummaryArea } from "./account-summary-area.ts";
import { accountUpdatesArea } from "./account-updates-area.ts";
import { executionsArea } from "./executions-area.ts";
import { LiveArea } from "./live-area.ts";
import { pnlArea } from "./pnl-area.ts";
import { positionsArea } from "./positions-area.ts";

/** How long a (re)sync may take before the area is marked stale (the next read starts another). */
const SYNC_TIMEOUT_MS = 30_000;

/**
 * The session state: what IB pushes about the account, kept live on one subscription per area and read in
 * microseconds. `undefined` from a reader means the area does not cover the question: take the request path.
 */
export interface SessionState {
  /** Off: every read takes the request path (benchmarks compare the two). */
  readonly enabled: boolean;
  /** The session (re)connected, dropped or lost data (1101): re-subscribe everything, or mark it all stale. */
  resync(): void;
  positions(scope: RequestScope): Promise<Positions | undefined>;
  portfolio(account: string, scope: RequestScope): Promise<PortfolioItem[] | undefined>;
  accountValues(account: string, scope: RequestScope): Promise<AccountValue[] | undefined>;
  pnl(account: string, scope: RequestScope): Promise<PnlValues | undefined>;
  executions(scope: RequestScope): Promise<Execution[] | undefined>;
  /** Subscribed on the first read, for its tags; other tags: undefined. */
  accountSummary(tags: string, scope: RequestScope): Promise<AccountSummary | undefined>;
  /** Per area: fresh, syncing, stale or off, the age of its last update, what it holds. */
  status(): SessionStateArea[];
}

/** The session state over the connector's current session; subscriptions go through the paced `call`. */
export function createSessionState(
  call: Call,
  currentSession: () => IbSession,
  enabled = true,
): SessionState {
  const positions = positionsArea();
  const updates = accountUpdatesArea();
  const pnl = pnlArea();
  const executions = executionsArea();
  const executionsLive = new LiveArea(executions.spec);
  const positionsLive = new LiveArea(positions.spec, () => resyncExecutions());
  const updatesLive = new LiveArea(updates.spec);
  const pnlLive = new LiveArea(pnl.spec);
  const summary = accountSummaryArea();
  const summaryLive = new LiveArea(summary.spec);
  const areas = [positionsLive, updatesLive, pnlLive, executionsLive, summaryLive];
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

  /**
   * Waits (within the caller's deadline) until `area` is fresh, starting a sync if nothing is bringing it there;
   * false when the area does not cover this session (take the request path). No IB session: IB_UNAVAILABLE now.
   */
  async function fresh(area: LiveArea, scope: RequestScope): Promise<boolean> {
    if (!enabled) return false;
    if (area.freshness.fresh) return true;
    if (area.freshness.status === "stale") sync([area]);
    if (!area.kept) return false;
    if (area.freshness.status === "stale") currentSession().link(); // sync() found no session: say why
    await area.freshness.whenFresh(scope);
    return true;
  }

  return {
    enabled,
    resync() {
      if (!enabled) return;
      generation.abort();
      generation = new AbortController();
      sync();
    },
    async positions(scope) {
      return (await fresh(positionsLive, scope)) ? positions.rows() : undefined;
    },
    async portfolio(account, scope) {
      return (await fresh(updatesLive, scope)) ? updates.portfolio(account) : undefined;
    },
    async accountValues(account, scope) {
      return (await fresh(updatesLive, scope)) ? updates.accountValues(account) : undefined;
    },
    async pnl(account, scope) {
      return (await fresh(pnlLive, scope)) ? pnl.of(account) : undefined;
    },
    async executions(scope) {
      return (await fresh(executionsLive, scope)) ? executions.rows() : undefined;
    },
    async accountSummary(tags, scope) {
      if (!enabled || !summary.follows(tags)) return undefined;
      return (await fresh(summaryLive, scope)) ? summary.rows() : undefined;
    },
    status() {
      const now = Date.now();
      return areas.map((a) => {
        const at = a.freshness.updatedAt;
        const row: SessionStateArea = {
          area: a.spec.name,
          status: !enabled || !a.kept ? "off" : a.freshness.status,
          counts: a.spec.counts(),
        };
        if (at !== undefined) row.ageMs = now - at;
        return row;
      });
    },
  };
}
