import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import { cancelAllOrdersHandler } from "../handlers/cancel-all-orders.ts";
import { cancelOrderHandler } from "../handlers/cancel-order.ts";
import type { HandlerContext } from "../handlers/context.ts";
import { placeOrderHandler } from "../handlers/place-order.ts";
import type { IbOrders } from "../ib/requests/orders.ts";
import { aaplOrder, testEnv } from "../test-support.ts";
import { type AuditEntry, type AuditLog, AuditLogUnwritable } from "./audit.ts";
import { createTradingDesk } from "./desk.ts";
import { signToken } from "./token.ts";

const SECRET = "audited-test-secret-0123456789abcdef";
const order = aaplOrder();

/** One timeline of what happened, in order: audit lines written and IB requests sent. */
function rig(failAudit: (e: AuditEntry) => boolean) {
  const timeline: string[] = [];
  const audit: AuditLog = {
    path: "/audit.jsonl",
    async append(e) {
      if (failAudit(e))
        throw new AuditLogUnwritable("/audit.jsonl", Object.assign(new Error("x"), { code: "EISDIR" }));
      timeline.push(`audit:${e.event}`);
    },
  };
  const ib = {
    findByRef: async () => {
      timeline.push("ib:findByRef");
      return undefined;
    },
    place: async (
      _o: BoundOrder,
      _ref: string,
      _s: unknown,
      hooks?: { beforeSend?: (ids: number[]) => Promise<void> },
    ) => {
      await hooks?.beforeSend?.([41]);
      timeline.push("ib:place");
      return { orderId: 41, childOrderIds: [], status: "Submitted", filled: 0, remaining: 1 };
    },
    cancel: async () => {
      timeline.push("ib:cancel");
      return "Cancelled";
    },
    cancelAll: async () => {
      timeline.push("ib:cancelAll");
      return [41];
    },
  } as unknown as IbOrders;
  const env = testEnv(1, { IB_READONLY: "false", ORDER_TOKEN_SECRET: SECRET });
  const desk = createTradingDesk(env, ib, audit);
  const controller = new AbortController();
  const ctx = {
    trading: desk,
    requestId: "r1",
    signal: controller.signal,
    deadlineAt: Date.now() + 5_000,
  } as unknown as HandlerContext;
  return { timeline, ctx };
}

const token = () => signToken(SECRET, "paper", order, 60_000).token;
const stopped = (pattern: RegExp) => (err: unknown) =>
  err instanceof IbMcpError &&
  err.code === "READ_ONLY" &&
  !err.retryable &&
  pattern.test(err.message) &&
  /AUDIT_LOG_PATH/.test(err.message) &&
  !/retry once/.test(err.message);

describe("audit first", () => {
  it("place_order writes its intent before the first request to IB, and its outcome after", async () => {
    const { timeline, ctx } = rig(() => false);
    await placeOrderHandler.run({ token: token() }, ctx);
    assert.deepEqual(timeline, ["audit:intent", "ib:findByRef", "ib:place", "audit:place"]);
  });

  it("cancels write their intent first too", async () => {
    const { timeline, ctx } = rig(() => false);
    await cancelOrderHandler.run({ order_id: 41 }, ctx);
    await cancelAllOrdersHandler.run({}, ctx);
    assert.deepEqual(timeline, [
      "audit:intent",
      "ib:cancel",
      "audit:cancel",
      "audit:intent",
      "ib:cancelAll",
      "audit:cancel_all",
    ]);
  });

  it("an unwritable log sends nothing and says trading is stopped until AUDIT_LOG_PATH is fixed", async () => {
    const { timeline, ctx } = rig(() => true);
    await assert.rejects(
      placeOrderHandler.run({ token: token() }, ctx),
      stopped(
        /place_order refused: the audit log \/audit\.jsonl cannot be written \(EISDIR\), so nothing was sent to IB/,
      ),
    );
    assert.deepEqual(timeline, []);
  });

  it("an unwritable log still lets cancels through, and their answer says the log failed", async () => {
    const { timeline, ctx } = rig(() => true);
    await assert.rejects(
      cancelOrderHandler.run({ order_id: 41 }, ctx),
      stopped(/cancel_order WAS carried out at IB: order 41 .*cannot be written/),
    );
    await assert.rejects(
      cancelAllOrdersHandler.run({}, ctx),
      stopped(/cancel_all_orders WAS carried out at IB.*cannot be written/),
    );
    assert.deepEqual(timeline, ["ib:cancel", "ib:cancelAll"]);
  });

  it("an outcome line that cannot be written still tells that the order went out, with its id", async () => {
    const { timeline, ctx } = rig((e) => e.event === "place");
    await assert.rejects(
      placeOrderHandler.run({ token: token() }, ctx),
      stopped(
        /place_order WAS carried out at IB: order 41 \(orderRef ibmcp-[0-9a-f]{16}\) Submitted; do not send it again/,
      ),
    );
    assert.deepEqual(timeline, ["audit:intent", "ib:findByRef", "ib:place"]);
  });

  it("a refusal the log cannot record keeps its reason beside the audit failure", async () => {
    const { timeline, ctx } = rig((e) => e.event === "refused");
    await assert.rejects(
      placeOrderHandler.run({ token: "not.a-token" }, ctx),
      stopped(
        /place_order failed \(INVALID_ARGUMENT: the confirmation token is not valid.*\), and the audit log/,
      ),
    );
    assert.deepEqual(timeline, []);
  });
});
