export interface RequestCacheOptions {
  /** How long a result answers identical requests; 0 coalesces concurrent requests only. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export interface RequestCache<V> {
  /** The cached value of `key`, the promise of an identical request already running, or a new `load()`. */
  get(key: string, load: () => Promise<V>): Promise<V>;
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
  const running = new Map<string, Promise<V>>();
  // bumped by clear(), so a load started before a reconnect cannot store a result from the old session
  let generation = 0;

  return {
    get(key, load) {
      const hit = values.get(key);
      if (hit && hit.expiresAt > now()) return Promise.resolve(hit.value);
      if (hit) values.delete(key);
      const shared = running.get(key);
      if (shared) return shared;
      const started = generation;
      const promise = load().then(
        (value) => {
          if (started === generation) {
            running.delete(key);
            if (ttlMs > 0) {
              values.set(key, { value, expiresAt: now() + ttlMs });
              if (values.size > maxEntries) {
                const oldest = values.keys().next().value;
                if (oldest !== undefined) values.delete(oldest);
              }
            }
          }
          return value;
        },
        (err: unknown) => {
          if (started === generation) running.delete(key);
          throw err;
        },
      );
      running.set(key, promise);
      return promise;
    },
    clear() {
      generation++;
      values.clear();
      running.clear();
    },
    get size() {
      return values.size;
    },
  };
}
