/**
 * Field smuggling onto the TWS wire, end to end: the MCP SDK client → gateway process → nats-server → connector
 * process (trading on) → simulator process, whose control API reports every raw field it received. A NUL in an
 * order's exchange once rewrote the order on the wire (BUY 1 LMT previewed, 5,000 at market placed); it is refused
 * at the MCP layer, by the connector's schema when the gateway is skipped, and by the guard at the wire when a
 * signed token carries it, and IB receives no order.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { signToken } from "../connector/orders/token.ts";
import { IbMcpError } from "../shared/errors.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { decodeReply } from "../shared/wire.ts";
import { findInstrument, ReceivedLog } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { OPEN_CLOCK_ARGS, openNow } from "../sim/testing/open-market.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

const SECRET = "e2e-wire-guard-secret-0123456789abcdef";
// priced on the simulator's pinned clock, where its quotes and price bands are
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());
/** The attack as found: the exchange ends, and the fields after it say BUY 5000 at market. */
const SMUGGLING_EXCHANGE = "SMART\u0000\u0000USD\u0000\u0000\u0000\u0000\u0000BUY\u00005000\u0000MKT";
type ToolResult = { isError?: boolean; content?: unknown };

function boundOrder(account: string, exchange: string): BoundOrder {
  return {
    conId: aapl.conId,
    symbol: "AAPL",
    sec_type: "STK",
    exchange,
    currency: "USD",
    multiplier: 1,
    side: "BUY",
    quantity: 1,
    order_type: "LMT",
    limit_price: aapl.price,
    tif: "DAY",
    outside_rth: false,
    account,
    reference_price: aapl.price,
    notional: aapl.price,
  };
}

describe("no field smuggled onto the TWS wire, through the real processes", { timeout: 90_000 }, () => {
  let nats: NatsServerHandle;
  let sim: CliProcess;
  let control: string;
  let account: string;
  let connector: CliProcess;
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;
  let dir: string;

  const received = async (since = 0): Promise<ReceivedLog> => {
    const res = await fetch(`${control}/received?since=${since}`, { signal: AbortSignal.timeout(5_000) });
    return ReceivedLog.parse(await res.json());
  };
  /** Nothing the simulator received since `since` is an order, holds a control character or the smuggled quantity. */
  const assertNoOrderReachedIb = async (since: number, what: string) => {
    const log = await received(since);
    assert.deepEqual(
      log.messages.filter((m) => m.name === "placeOrder"),
      [],
      `${what}: the simulator received no order`,
    );
    assert.ok(
      !log.messages.some((m) => m.fields.includes("5000")),
      `${what}: no smuggled quantity reached IB`,
    );
    assert.deepEqual(log.withControlCharacters, [], `${what}: no field with a control character reached IB`);
  };
  const natsCall = async (tool: string, body: unknown) => {
    const msg = await nc.request(`ib.paper.${tool}`, JSON.stringify(body), { timeout: 15_000 });
    try {
      return decodeReply(msg.data, msg.headers?.get("Nats-Service-Error") || undefined);
    } catch (err) {
      return err;
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-e2e-wire-"));
    nats = await startNatsServer();
    sim = spawnCli(
      "sim",
      ["--port", "0", "--control-port", "0", "--time-scale", "0.01", ...OPEN_CLOCK_ARGS],
      {},
    );
    const m = await sim.waitFor(
      /listening on 127\.0\.0\.1:(\d+) .*accounts ([A-Z0-9]+).*control (http:[^\s,)]+)/,
      20_000,
    );
    account = m[2]!;
    control = m[3]!;
    connector = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: m[1]!,
      IB_CLIENT_ID: "23",
      TRADING_MODE: "paper",
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      AUDIT_LOG_PATH: join(dir, "audit.jsonl"),
    });
    const port = await freePort();
    gateway = spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      TRADING_MODE: "paper",
      MCP_ENABLE_TRADING: "true",
    });
    await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
    client = await mcpClient(`http://127.0.0.1:${port}/mcp`);
    nc = await connect({ servers: nats.url });
  });

  after(async () => {
    await client?.close();
    await nc?.close();
    await gateway?.stop();
    await connector?.stop();
    await sim?.stop();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("preview_order with a NUL in exchange is refused at the MCP layer, naming exchange", async () => {
    const since = (await received()).lastSeq;
    const r = (await client.callTool({
      name: "preview_order",
      arguments: {
        symbol: "AAPL",
        side: "BUY",
        quantity: 1,
        limit_price: aapl.price,
        exchange: SMUGGLING_EXCHANGE,
      },
    })) as ToolResult;
    assert.equal(r.isError, true, textOf(r));
    assert.match(textOf(r), /exchange/);
    await assertNoOrderReachedIb(since, "MCP preview_order");
  });

  it("the same request on NATS, skipping the gateway, is refused by the connector with INVALID_ARGUMENT", async () => {
    const since = (await received()).lastSeq;
    const err = await natsCall("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: aapl.price,
      exchange: SMUGGLING_EXCHANGE,
    });
    assert.ok(err instanceof IbMcpError, `expected a refusal, got ${JSON.stringify(err)}`);
    assert.equal(err.code, "INVALID_ARGUMENT");
    assert.match(err.message, /exchange/);
    await assertNoOrderReachedIb(since, "NATS preview_order");
  });

  it("a signed token binding that exchange is refused by the guard at the wire: place_order sends IB nothing", async () => {
    const since = (await received()).lastSeq;
    const viaMcp = signToken(SECRET, "paper", boundOrder(account, SMUGGLING_EXCHANGE), 60_000).token;
    const r = (await client.callTool({ name: "place_order", arguments: { token: viaMcp } })) as ToolResult;
    assert.equal(r.isError, true, textOf(r));
    assert.match(textOf(r), /^INVALID_ARGUMENT: .*contract\.exchange contains the control character U\+0000/);
    // the guard runs before the journal records the token as sent: a retry gets the same refusal
    const again = (await client.callTool({
      name: "place_order",
      arguments: { token: viaMcp },
    })) as ToolResult;
    assert.match(
      textOf(again),
      /^INVALID_ARGUMENT: .*contract\.exchange contains the control character U\+0000/,
    );

    const viaNats = signToken(SECRET, "paper", boundOrder(account, SMUGGLING_EXCHANGE), 60_000).token;
    const err = await natsCall("place_order", { token: viaNats });
    assert.ok(err instanceof IbMcpError, `expected a refusal, got ${JSON.stringify(err)}`);
    assert.equal(err.code, "INVALID_ARGUMENT");
    assert.match(err.message, /contract\.exchange/);
    await assertNoOrderReachedIb(since, "place_order");

    // the connector's session is intact: a clean order of the same shape still goes through
    const clean = signToken(SECRET, "paper", boundOrder(account, "SMART"), 60_000).token;
    const placed = (await client.callTool({
      name: "place_order",
      arguments: { token: clean },
    })) as ToolResult;
    assert.notEqual(placed.isError, true, textOf(placed));
    const orders = (await received(since)).messages.filter((m) => m.name === "placeOrder");
    assert.equal(orders.length, 1, "exactly the clean order reached IB");
    assert.ok(orders[0]?.fields.includes("SMART"));
  });
});
