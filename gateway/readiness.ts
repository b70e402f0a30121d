import type { Bus } from "../shared/bus.ts";
import type { TradingMode } from "../shared/mode.ts";

export interface ReadinessOptions {
  /** How long an answer is reused, so a load balancer polling /ready does not turn into NATS traffic. */
  cacheMs?: number;
  /** Deadline of one ping. */
  pingTimeoutMs?: number;
  now?: () => number;
}

/** Whether the connector of `mode` answers, asked at most once per cache period (concurrent asks share one ping). */
export function createReadiness(bus: Bus, mode: TradingMode, opts: ReadinessOptions = {}) {
  const cacheMs = opts.cacheMs ?? 3_000;
  const pingTimeoutMs = opts.pingTimeoutMs ?? 1_500;
  const now = opts.now ?? Date.now;
  let cached: { ready: boolean; at: number } | undefined;
  let pending: Promise<boolean> | undefined;

  return async function isReady(): Promise<boolean> {
    if (cached && now() - cached.at < cacheMs) return cached.ready;
    pending ??= bus
      .ping(mode, pingTimeoutMs)
      .catch(() => false)
      .then((ready) => {
        cached = { ready, at: now() };
        pending = undefined;
        return ready;
      });
    return pending;
  };
}
