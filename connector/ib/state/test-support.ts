import assert from "node:assert/strict";
import { IbMcpError } from "../../../shared/errors.ts";
import type { Simulator } from "../../../sim/index.ts";
import type { ConnectorHandle } from "../../connector.ts";

/**
 * Test support: IB drops while a re-sync is under way and a reader of `tool` waits for it; the reader must fail
 * with IB_UNAVAILABLE at once (well before its 20 s deadline). `syncing` says when a re-sync is under way.
 * Leaves the simulator slow (1.5 s latency) and the connector reconnecting; the caller takes it from there.
 */
export async function readerFailsFastOnDrop(
  sim: Simulator,
  connector: ConnectorHandle,
  tool: string,
  syncing: () => Promise<void>,
): Promise<void> {
  // IB answers slowly: after the drop the re-sync is under way for a while, and a reader waits for it
  sim.setLatency(1_500);
  sim.dropConnections();
  await syncing();
  const started = Date.now();
  const waiting = connector.dispatcher(tool, {}, { requestId: `${tool}-on-drop`, timeoutMs: 20_000 });
  waiting.catch(() => undefined);
  await new Promise((res) => setTimeout(res, 100));
  sim.dropConnections();
  await assert.rejects(waiting, (e: unknown) => {
    assert.ok(e instanceof IbMcpError, String(e));
    assert.equal(e.code, "IB_UNAVAILABLE", e.message);
    return true;
  });
  assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms, not at its deadline`);
}
