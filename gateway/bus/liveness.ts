import { type NatsConnection, NoRespondersError, RequestError } from "@nats-io/nats-core";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { subjectFor } from "../../shared/subjects.ts";
import { catalogue } from "../../shared/tools/index.ts";

/** The connector's cheap presence endpoint; its reply names the service instance that serves the mode now. */
export const PING_TOOL = "_ping";

export interface LivenessOptions {
  /** A call unanswered this long makes its mode's connector probed (shared by every slow call of the mode). */
  slowMs?: number;
  /** Time between two probes of one mode while a call of it is slow; also a probe's own deadline. */
  probeEveryMs?: number;
  /** Consecutive probes that find no connector before the calls sent before the first of them are failed. */
  strikes?: number;
}

/** One request on its way; `instance` is the connector the first probe after it was sent found serving. */
export interface WatchedCall {
  readonly mode: TradingMode;
  readonly tool: string;
  readonly requestId: string;
  readonly sentAt: number;
  readonly fail: (err: IbMcpError) => void;
  instance?: string;
}

/**
 * Notices that the connector serving a call went away (SIGKILL, crash, lost host) long before the call's own
 * deadline. NATS tells nobody when a responder dies with a request of ours, but it answers "no responders" at
 * once when nobody serves a subject any more. So while a call is slow, its mode is probed on `ib.<mode>._ping`
 * every probeEveryMs (one probe per mode, however many calls wait): no connector twice in a row, or another
 * instance than the one that served when the call was sent (only the lease holder serves), fails the calls sent
 * to the gone instance with CONNECTOR_UNAVAILABLE. Per call it costs one Set entry; timers run only for slow calls.
 */
export interface Liveness {
  /** Registers a sent request; `fail` rejects it. Call `settled` once it is answered either way. */
  watch(mode: TradingMode, tool: string, requestId: string, fail: (err: IbMcpError) => void): WatchedCall;
  settled(call: WatchedCall): void;
  close(): void;
}

/** How often the oldest call is looked at: a slow call is noticed at most this late. */
const TICK_MS = 250;
const effectful = new Set(catalogue.filter((t) => t.annotations.destructiveHint).map((t) => t.name));
const decoder = new TextDecoder();

/** What the caller of a call whose connector went away should know: whether it may have taken effect. */
export function goneError(call: WatchedCall, why: string): IbMcpError {
  const effect = effectful.has(call.tool)
    ? "IB may or may not have received it: check get_open_orders (and get_executions) before calling it again"
    : "it changed nothing; call it again once a connector serves the mode";
  return new IbMcpError(
    "CONNECTOR_UNAVAILABLE",
    `the ${call.mode} connector serving ${call.tool} went away before answering (${why}); ${effect}`,
    { requestId: call.requestId },
  );
}

function isNoResponders(err: unknown): boolean {
  return (
    err instanceof NoRespondersError ||
    (err instanceof RequestError && (err.isNoResponders() || err.cause instanceof NoRespondersError))
  );
}

type Probe = { kind: "serving"; instance?: string } | { kind: "nobody" } | { kind: "unknown" };
type Streaks = Map<TradingMode, { count: number; firstAt: number }>;

/** Asks the mode's connector who it is; no responders is "nobody", any other failure "unknown". */
async function probeMode(nc: NatsConnection, mode: TradingMode, timeoutMs: number): Promise<Probe> {
  try {
    const msg = await nc.request(subjectFor(mode, PING_TOOL), undefined, { timeout: timeoutMs });
    const body = JSON.parse(decoder.decode(msg.data)) as { instance?: unknown };
    return typeof body.instance === "string"
      ? { kind: "serving", instance: body.instance }
      : { kind: "serving" };
  } catch (err) {
    // a timeout is a busy or partitioned connector, not a dead one: the call's own deadline still applies
    return isNoResponders(err) ? { kind: "nobody" } : { kind: "unknown" };
  }
}

function failWhere(
  pending: Set<WatchedCall>,
  mode: TradingMode,
  test: (c: WatchedCall) => boolean,
  why: string,
) {
  for (const c of pending)
    if (c.mode === mode && test(c)) {
      pending.delete(c);
      c.fail(goneError(c, why));
    }
}

/** Fails the calls of `mode` that a probe sent at `sentAt` shows gone; `streaks` counts probes that found nobody. */
function judge(
  pending: Set<WatchedCall>,
  streaks: Streaks,
  strikes: number,
  mode: TradingMode,
  sentAt: number,
  seen: Probe,
) {
  if (seen.kind === "unknown") return;
  if (seen.kind === "nobody") {
    const streak = streaks.get(mode) ?? { count: 0, firstAt: sentAt };
    streak.count++;
    streaks.set(mode, streak);
    if (streak.count >= strikes)
      failWhere(
        pending,
        mode,
        (c) => c.sentAt <= streak.firstAt,
        `no connector answers ${subjectFor(mode, PING_TOOL)}`,
      );
    return;
  }
  streaks.delete(mode);
  const serving = seen.instance;
  if (serving === undefined) return; // a connector that does not name itself: only "nobody" can be told
  failWhere(
    pending,
    mode,
    (c) => {
      if (c.sentAt > sentAt) return false;
      c.instance ??= serving;
      return c.instance !== serving;
    },
    `another connector instance serves ${mode} now`,
  );
}

/** The modes of the calls older than `slowMs` (the oldest come first, so this stops at the first young one). */
function slowModes(pending: Set<WatchedCall>, now: number, slowMs: number): Set<TradingMode> {
  const modes = new Set<TradingMode>();
  for (const c of pending) {
    if (c.sentAt > now - slowMs) break;
    modes.add(c.mode);
  }
  return modes;
}

export function createLiveness(nc: NatsConnection, opts: LivenessOptions = {}): Liveness {
  const slowMs = opts.slowMs ?? 1_000;
  const probeEveryMs = opts.probeEveryMs ?? 1_000;
  const strikes = opts.strikes ?? 2;
  // insertion order is send order: the first entry is the oldest call, so "is anything slow" is one look
  const pending = new Set<WatchedCall>();
  const probing = new Set<TradingMode>();
  const lastProbeAt = new Map<TradingMode, number>();
  const streaks: Streaks = new Map();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  async function check(mode: TradingMode): Promise<void> {
    const sentAt = Date.now();
    const seen = await probeMode(nc, mode, probeEveryMs);
    if (!closed) judge(pending, streaks, strikes, mode, sentAt, seen);
  }

  function tick(): void {
    if (pending.size === 0) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const now = Date.now();
    for (const mode of slowModes(pending, now, slowMs)) {
      if (probing.has(mode) || now - (lastProbeAt.get(mode) ?? 0) < probeEveryMs) continue;
      probing.add(mode);
      lastProbeAt.set(mode, now);
      void check(mode).finally(() => probing.delete(mode));
    }
  }

  return {
    watch(mode, tool, requestId, fail) {
      const call: WatchedCall = { mode, tool, requestId, sentAt: Date.now(), fail };
      pending.add(call);
      if (timer === undefined && !closed) {
        timer = setInterval(tick, Math.min(TICK_MS, probeEveryMs));
        // Node's timer must not hold the process open; workerd's and the browsers' are numbers, without unref
        (timer as { unref?: () => void }).unref?.();
      }
      return call;
    },
    settled(call) {
      pending.delete(call);
    },
    close() {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
