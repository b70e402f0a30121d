import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import { cancelOrderHandler } from "../handlers/cancel-order.ts";
import type { HandlerContext } from "../handlers/context.ts";
import { placeOrderHandler } from "../handlers/place-order.ts";
import type { IbOrders } from "../ib/requests/orders.ts";
import { aaplOrder, testEnv } from "../test-support.ts";
import { createAuditLog } from "./audit.ts";
import { createTradingDesk } from "./desk.ts";
import { signToken } from "./token.ts";

const SECRET = "audit-principal-test-secret-0123456789";
const order = aaplOrder();

const ib = {
  findByRef: async () => undefined,
  place: async (
    _o: BoundOrder,
    _r: string,
    _s: unknown,
    hooks?: { beforeSend?: (ids: number[]) => Promise<void> },
  ) => {
    await hooks?.beforeSend?.([41]);
    return { orderId: 41, childOrderIds: [], status: "Submitted", filled: 0, remaining: 1 };
  },
  cancel: async () => "Cancelled",
} as unknown as IbOrders;

describe("audit log: who placed the order", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes the caller's principal on every line of its order, beside its client_info, and anonymous without one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ibmcp-audit-principal-"));
    dirs.push(dir);
    const path = join(dir, "audit.jsonl");
    const env = testEnv(1, { IB_READONLY: "false", ORDER_TOKEN_SECRET: SECRET });
    const desk = createTradingDesk(env, ib, createAuditLog(path));
    const ctx = (principal?: string) =>
      ({
        trading: desk,
        requestId: `r-${principal ?? "none"}`,
        principal,
        signal: new AbortController().signal,
        deadlineAt: Date.now() + 5_000,
      }) as unknown as HandlerContext;

    const token = signToken(SECRET, "paper", order, 60_000).token;
    await placeOrderHandler.run({ token, client_info: "desk run 7" }, ctx("trader-bot"));
    await cancelOrderHandler.run({ order_id: 41 }, ctx(undefined));

    const lines = (await readFile(path, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { event: string; principal?: string; clientInfo?: string; requestId: string },
      );
    const placed = lines.filter((l) => l.requestId === "r-trader-bot");
    assert.deepEqual(
      placed.map((l) => [l.event, l.principal, l.clientInfo]),
      [
        ["intent", "trader-bot", "desk run 7"],
        ["place", "trader-bot", "desk run 7"],
      ],
    );
    const cancelled = lines.filter((l) => l.requestId === "r-none");
    assert.ok(cancelled.length >= 2);
    assert.ok(cancelled.every((l) => l.principal === "anonymous"));
  });
});
