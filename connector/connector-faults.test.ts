import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IbMcpError } from "../shared/errors.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { freePort } from "../test/support/free-port.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector, waitFor } from "./test-support.ts";

const ctx = (timeoutMs: number) => ({ requestId: "fault-test", timeoutMs });

/** Settles a call as its result or its IbMcpError code, with how long it took. */
async function settle(p: Promise<unknown>): Promise<{ ok: boolean; code?: string; ms: number }> {
  const started = Date.now();
  try {
    await p;
    return { ok: true, ms: Date.now() - started };
  } catch (e) {
    assert.ok(e instanceof IbMcpError, `not an IbMcpError: ${String(e)}`);
    return { ok: false, code: e.code, ms: Date.now() - started };
  }
}

describe("connector faults", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    open.push(sim);
  });
  after(async () => {
    for (const o of open.reverse()) await o.close();
  });

  async function connector(port: number, extra: Record<string, string> = {}): Promise<ConnectorHandle> {
    const c = await testConnector(port, extra);
    open.unshift(c); // connectors close before the simulator
    return c;
  }

  it("names host:port, the OS error and the usual ports when nothing listens", async () => {
    const port = await freePort();
    const c = await connector(port, { IB_CLIENT_ID: "11" });
    await waitFor(() => c.status().state === "down", 5_000, "state down");
    const { lastError } = c.status();
    for (const part of [`127.0.0.1:${port}`, "ECONNREFUSED", "4002", "4001", "7497", "7496", "4004", "4003"])
      assert.ok(lastError?.includes(part), `lastError lacks ${part}: ${lastError}`);
    await assert.rejects(c.dispatcher("lookup_contract", { symbol: "AAPL" }, ctx(2_000)), (e: IbMcpError) => {
      assert.equal(e.code, "IB_UNAVAILABLE");
      assert.ok((e.retryAfterMs ?? 0) > 0);
      assert.ok(e.message.includes(`127.0.0.1:${port}`), e.message);
      return true;
    });
    await assert.rejects(c.ready(300), (e: IbMcpError) => e.code === "IB_UNAVAILABLE");
    // the tool still answers while IB is down
    const status = (await c.dispatcher("get_connection_status", {}, ctx(1_000))) as { state: string };
    assert.equal(status.state === "down" || status.state === "connecting", true);
  });

  it("reports CLIENT_ID_IN_USE naming the clientId when a second connector uses the same one", async () => {
    const first = await connector(sim.port, { IB_CLIENT_ID: "7" });
    await first.ready(5_000);
    const second = await connector(sim.port, { IB_CLIENT_ID: "7" });
    await waitFor(() => second.status().lastError?.includes("clientId 7") === true, 5_000, "326 reported");
    assert.equal(second.status().state, "down");
    assert.match(second.status().lastError ?? "", /IB_CLIENT_ID/);
    await assert.rejects(
      second.dispatcher("lookup_contract", { symbol: "AAPL" }, ctx(2_000)),
      (e: IbMcpError) => e.code === "CLIENT_ID_IN_USE" && e.message.includes("clientId 7"),
    );
    assert.ok((sim.stats().errorsSent["326"] ?? 0) >= 1);
    assert.equal(sim.stats().connections.peakByClientId["7"], 1);
    assert.equal(first.status().state, "ready", "the first connector keeps its session");
    await second.close();
  });

  it("fails every in-flight call fast with IB_UNAVAILABLE on a dropped connection, then serves again", async () => {
    const c = await connector(sim.port, { IB_CLIENT_ID: "21" });
    await c.ready(5_000);
    for (const symbol of ["AAPL", "MSFT", "SPY", "QQQ"])
      await c.dispatcher("lookup_contract", { symbol }, ctx(5_000));
    sim.setLatency(400);
    const timeoutMs = 5_000;
    const calls = [
      ...["AAPL", "MSFT", "SPY", "QQQ"].map((symbol) =>
        c.dispatcher("get_historical_data", { symbol, duration: "2 D", bar_size: "1 hour" }, ctx(timeoutMs)),
      ),
      ...["IBM", "TSLA", "NVDA"].map((symbol) => c.dispatcher("lookup_contract", { symbol }, ctx(timeoutMs))),
      c.dispatcher("get_positions", {}, ctx(timeoutMs)),
      c.dispatcher("get_account_summary", {}, ctx(timeoutMs)),
    ].map(settle);
    await new Promise((r) => setTimeout(r, 100));
    sim.dropConnections();
    const results = await Promise.all(calls);
    for (const r of results) {
      assert.ok(r.ok || r.code === "IB_UNAVAILABLE", `unexpected ${r.code}`);
      assert.ok(r.ms < 2_000, `took ${r.ms} ms: in-flight calls must fail at once, not at their deadline`);
    }
    assert.ok(
      results.some((r) => r.code === "IB_UNAVAILABLE"),
      "the drop hit calls in flight",
    );
    sim.setLatency(0);
    await c.ready(5_000);
    const after = (await c.dispatcher("lookup_contract", { symbol: "AAPL" }, ctx(5_000))) as {
      contracts: Array<{ conId: number }>;
    };
    assert.equal(after.contracts[0]?.conId, 265598);
  });

  it("answers TIMEOUT at the deadline and cancels the historical request at IB", async () => {
    const c = await connector(sim.port, { IB_CLIENT_ID: "31" });
    await c.ready(5_000);
    await c.dispatcher("lookup_contract", { symbol: "MSFT" }, ctx(5_000));
    sim.resetStats();
    sim.setLatency(2_000);
    const r = await settle(
      c.dispatcher("get_historical_data", { symbol: "MSFT", duration: "3 D", bar_size: "30 mins" }, ctx(300)),
    );
    assert.equal(r.code, "TIMEOUT");
    assert.ok(r.ms >= 250 && r.ms < 1_500, `${r.ms} ms`);
    await waitFor(
      () => (sim.stats().requests.cancelHistoricalData ?? 0) === 1,
      2_000,
      "cancelHistoricalData",
    );
    sim.setLatency(0);
  });

  it("fails in-flight calls on an IB outage (1100) and recovers after it", async () => {
    const c = await connector(sim.port, { IB_CLIENT_ID: "41" });
    await c.ready(5_000);
    sim.setLatency(500);
    // the simulator delays the 1100 like every reply, so a call made now is in flight when it lands
    const outage = sim.outage(1_000);
    const r = await settle(c.dispatcher("search_contracts", { pattern: "MICRO" }, ctx(5_000)));
    assert.equal(r.code, "IB_UNAVAILABLE");
    assert.ok(r.ms < 2_000, `${r.ms} ms`);
    assert.notEqual(c.status().state, "ready");
    sim.setLatency(0);
    await outage;
    await c.ready(5_000);
    const s = (await c.dispatcher("search_contracts", { pattern: "MICRO" }, ctx(5_000))) as {
      matches: unknown[];
    };
    assert.ok(s.matches.length > 0);
  });
});
