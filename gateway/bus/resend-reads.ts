import { catalogue } from "../../shared/tools/index.ts";

/**
 * A NATS server that dies takes the requests and replies passing through it along: nobody is told, and the
 * call would wait for its whole deadline. A read tool changes nothing, and the connector joins identical reads
 * in progress into one IB request, so a read still unanswered after `afterMs` is sent once more (and again every
 * `afterMs`, at most `maxExtra` times): a lost one is answered by the copy, a slow one costs IB nothing more.
 * The first answer wins. Order tools are never sent twice.
 */
const reads = new Set(catalogue.filter((t) => t.access === "read").map((t) => t.name));

export function isReadTool(tool: string): boolean {
  return reads.has(tool) || tool.startsWith("_");
}

export async function resendUnanswered<T>(
  send: () => Promise<T>,
  opts: { afterMs: number; deadlineAt: number; maxExtra?: number },
): Promise<T> {
  const maxExtra = opts.maxExtra ?? 2;
  if (opts.afterMs <= 0) return send();
  return new Promise<T>((resolve, reject) => {
    let pending = 0;
    let extra = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      done = true;
      clearTimeout(timer);
    };
    const launch = () => {
      pending++;
      send().then(
        (v) => {
          if (!done) {
            settle();
            resolve(v);
          }
        },
        (err) => {
          pending--;
          if (!done && pending === 0) {
            settle();
            reject(err);
          }
        },
      );
      // another copy only while one can still be answered within the deadline
      if (extra < maxExtra && opts.deadlineAt - Date.now() > opts.afterMs * 2) {
        timer = setTimeout(() => {
          if (done) return;
          extra++;
          launch();
        }, opts.afterMs);
      }
    };
    launch();
  });
}
