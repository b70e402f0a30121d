/** Several managed accounts: IB streams account updates for one account at a time, so those take the request path. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { findTool } from "../../../shared/tools/index.ts";
import { type Simulator, startSimulator } from "../../../sim/index.ts";
import type { ConnectorHandle } from "../../connector.ts";
import { testConnector, waitFor } from "../../test-support.ts";

type Row = Record<string, unknown>;
const ACCOUNTS = ["DU1111111", "DU2222222"];

describe("session state with several managed accounts", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  async function call<T = Row>(tool: string, args: unknown): Promise<T> {
    const out = await connector.dispatcher(tool, args, { requestId: "multi", timeoutMs: 10_000 });
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as T;
  }
  const areas = async () =>
    (await call<{ sessionState?: Array<{ area: string; status: string }> }>("get_connection_status", {}))
      .sessionState ?? [];

  before(async () => {
    sim = await startSimulator({ port: 0, accounts: ACCOUNTS });
    connector = await testConnector(sim.port, { IB_CONNECT_TIMEOUT_MS: "10000" });
    await connector.ready(10_000);
    let ready = false;
    await waitFor(
      () => {
        void areas().then((a) => {
          ready = a.find((x) => x.area === "positions")?.status === "fresh";
        });
        return ready;
      },
      10_000,
      "positions fresh",
    );
  });
  after(async () => {
    await connector?.close();
    await sim?.close();
  });

  it("keeps positions and P&L of every account in state, and asks IB for each account's portfolio and values", async () => {
    const byArea = new Map((await areas()).map((a) => [a.area, a.status]));
    assert.equal(byArea.get("account updates"), "off");
    const positions = (await call<{ positions: Row[] }>("get_positions", {})).positions;
    assert.deepEqual([...new Set(positions.map((p) => p.account))].sort(), ACCOUNTS);
    sim.resetStats();
    for (const account of ACCOUNTS) {
      const items = (await call<{ items: Row[] }>("get_portfolio", { account })).items;
      assert.ok(items.length > 0 && items.every((i) => i.account === account), `${account}'s portfolio`);
      const values = (
        await call<{ accounts: Array<{ account: string; values: Row[] }> }>("get_account_values", {
          account,
        })
      ).accounts;
      assert.equal(values[0]?.account, account);
      assert.ok((values[0]?.values.length ?? 0) > 10);
    }
    const downloads = sim.stats().requests.reqAccountUpdates ?? 0;
    assert.ok(downloads >= 4, `a download per read (subscribe, then unsubscribe): ${downloads} messages`);
    const pnl = (await call<{ accounts: Row[] }>("get_pnl", { include_positions: false })).accounts;
    assert.deepEqual(pnl.map((a) => a.account).sort(), ACCOUNTS);
    assert.equal(sim.stats().requests.reqPnL ?? 0, 0, "account P&L comes from state");
  });
});
