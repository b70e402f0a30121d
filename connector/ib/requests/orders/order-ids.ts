import type { IbLink } from "../../link.ts";

/** How order ids are handed out: one send at a time, each id above IB's next valid id and every id used before. */
export interface OrderIds {
  /** Runs `work` alone: order ids must reach IB in rising order. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The first of `count` fresh order ids, above IB's next valid id and every id used before. */
  nextIds(link: IbLink, count: number): Promise<number>;
}

export function createOrderIds(): OrderIds {
  // order ids must rise: one send at a time, each taking the next id after the last one used
  let lock: Promise<unknown> = Promise.resolve();
  let lastUsedId = 0;
  return {
    exclusive(work) {
      const run = lock.then(work, work);
      lock = run.catch(() => undefined);
      return run;
    },
    async nextIds(link, count) {
      const fromIb = await link.next.getNextValidOrderId();
      const first = Math.max(fromIb, lastUsedId + 1);
      lastUsedId = first + count - 1;
      return first;
    },
  };
}
