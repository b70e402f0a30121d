import { callerOf, createCoalescer, type SharedRun } from "./coalesce.ts";

export interface RequestCacheOptions {
  /** How long a result answers identical requests; 0 coalesces concurrent requests only. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

/** Who asks: the caller's deadline (and the signal that says it stopped waiting) and principal. */
export interface CacheScope {
  signal: AbortSignal;
  deadlineAt: number;
  principal?: string;
}

export interface RequestCache<V> {
  /**
   * The cached value of `key`, else the outcome of the identical request already running, else a new `load`.
   * `load` gets the run's own scope, not the caller's: it lasts while any caller waits (the latest deadline
   * among them) and is aborted when the last one leaves; each caller leaves at its own deadline.
   */
  get(key: string, scope: CacheScope, load: (run: SharedRun) => Promise<V>): Promise<V>;
  /** Forgets every result and detaches running loads (their results are not stored). */
  clear(): void;
  readonly size: number;
}

/**
 * Identical requests share one IB request while it runs and, for ttlMs, its result. Failures are never
 * cached. Entries are evicted oldest first beyond maxEntries.
 */
export function createRequestCache<V>({
  ttlMs,
  maxEntries = 10_000,
  now = Date.now,
}: RequestCacheOptions): RequestCache<V> {
  const values = new Map<string, { value: V; expiresAt: number }>();
  // replaced by clear(), so a load started before a reconnect is neither joined nor stored afterwards
  let running = createCoalescer();
  let generation = 0;

  const store = (key: string, value: V) => {
    if (ttlMs <= 0) return;
    values.set(key, { value, expiresAt: now() + ttlMs });
    if (values.size > maxEntries) {
      const oldest = values.keys().next().value;
      if (oldest !== undefined) values.delete(oldest);
    }
  };

  return {
    get(key, scope, load) {
      const hit = values.get(key);
      if (hit && hit.expiresAt > now()) return Promise.resolve(hit.value);
      if (hit) values.delete(key);
      const started = generation;
      return running.join(key, callerOf(scope), async (run) => {
        const value = await load(run);
        if (started === generation) store(key, value);
        return value;
      });
    },
    clear() {
      generation++;
      values.clear();
      running = createCoalescer();
    },
    get size() {
      return values.size;
    },
  };
}
