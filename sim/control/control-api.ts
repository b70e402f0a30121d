import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { OrderTamper } from "../orders/order-tamper.ts";
import type { Simulator } from "../server.ts";

const OutageBody = z.object({
  ms: z.number().int().positive().max(3_600_000),
  recovery: z.enum(["1101", "1102"]).optional(),
});
const LatencyBody = z.object({ ms: z.number().int().min(0).max(600_000) });

/** The most bytes a control request body may have. */
const MAX_BODY = 4096;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error(`body over ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(new Error("body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

/**
 * The control API (see sim/README.md): GET /stats, POST /stats/reset, GET /received?since=N, POST /received/reset,
 * POST /drop, POST /outage {"ms","recovery"?}, POST /latency {"ms"}, POST /tamper-next-order {"quantity_factor"?, ...}.
 * Errors answer {"error": "..."} with 400/404.
 */
export async function startControlApi(
  sim: Simulator,
  host: string,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const route = `${req.method} ${(req.url ?? "").split("?")[0]}`;
    try {
      switch (route) {
        case "GET /stats":
          return reply(res, 200, sim.stats());
        case "GET /received":
          return reply(
            res,
            200,
            sim.received(Number(new URL(req.url ?? "", "http://x").searchParams.get("since")) || 0),
          );
        case "POST /received/reset":
          sim.resetReceived();
          return reply(res, 200, { ok: true });
        case "POST /stats/reset":
          sim.resetStats();
          return reply(res, 200, { ok: true });
        case "POST /drop":
          sim.dropConnections();
          return reply(res, 200, { ok: true });
        case "POST /outage": {
          const body = OutageBody.safeParse(await readBody(req));
          if (!body.success)
            return reply(res, 400, { error: `bad outage body: ${z.prettifyError(body.error)}` });
          await sim.outage(body.data.ms, { recovery: body.data.recovery ?? "1102" });
          return reply(res, 200, { ok: true });
        }
        case "POST /tamper-next-order": {
          const body = OrderTamper.safeParse(await readBody(req));
          if (!body.success)
            return reply(res, 400, { error: `bad tamper body: ${z.prettifyError(body.error)}` });
          sim.tamperNextOrder(body.data);
          return reply(res, 200, { ok: true });
        }
        case "POST /latency": {
          const body = LatencyBody.safeParse(await readBody(req));
          if (!body.success)
            return reply(res, 400, { error: `bad latency body: ${z.prettifyError(body.error)}` });
          sim.setLatency(body.data.ms);
          return reply(res, 200, { ok: true });
        }
        default:
          return reply(res, 404, {
            error: `no route ${route}; try GET /stats, POST /drop, POST /outage, POST /latency, POST /tamper-next-order, POST /stats/reset`,
          });
      }
    } catch (err) {
      return reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
