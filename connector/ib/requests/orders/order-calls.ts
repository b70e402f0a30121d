import { IBApiNextError } from "@stoqey/ib";
import { IbMcpError } from "../../../../shared/errors.ts";
import { abortable } from "../../../deadline.ts";
import type { PacedRequest, Pacer } from "../../../pacing/index.ts";
import type { RequestScope } from "../../client.ts";
import { ibErrorToIbMcp } from "../../ib-errors.ts";
import type { IbLink } from "../../link.ts";
import type { IbSession } from "../../session.ts";

/** How every IB order call runs: paced, within the caller's deadline, failed on disconnect; ids handed out rising. */
export interface OrderCalls {
  call<T>(
    subject: string,
    scope: RequestScope,
    work: (link: IbLink) => Promise<T>,
    paced?: PacedRequest,
  ): Promise<T>;
  /** Runs `work` alone: order ids must reach IB in rising order. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The first of `count` fresh order ids, above IB's next valid id and every id used before. */
  nextIds(link: IbLink, count: number): Promise<number>;
}

export function createOrderCalls(currentSession: () => IbSession, pacer: Pacer): OrderCalls {
  // order ids must rise: one send at a time, each taking the next id after the last one used
  let lock: Promise<unknown> = Promise.resolve();
  let lastUsedId = 0;
  return {
    exclusive(work) {
      const run = lock.then(work, work);
      lock = run.catch(() => undefined);
      return run;
    },
    async call(subject, scope, work, paced = { kind: "general" }) {
      currentSession().link();
      const release = await pacer.acquire(paced, scope.deadlineAt, scope.signal, scope.principal);
      try {
        const session = currentSession();
        const link = session.link();
        const running = work(link).catch((err: unknown) => {
          if (err instanceof IbMcpError) throw err;
          if (err instanceof IBApiNextError) throw ibErrorToIbMcp(err.code, err.error.message, subject);
          throw new IbMcpError("INTERNAL", `IB order request for ${subject} failed unexpectedly`, {
            cause: err,
          });
        });
        return await session.inFlight.run(abortable(running, scope.signal));
      } finally {
        release();
      }
    },
    async nextIds(link, count) {
      const fromIb = await link.next.getNextValidOrderId();
      const first = Math.max(fromIb, lastUsedId + 1);
      lastUsedId = first + count - 1;
      return first;
    },
  };
}
