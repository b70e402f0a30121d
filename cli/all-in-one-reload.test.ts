import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { type AllInOne, startAllInOne } from "./all-in-one.ts";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const file = (names: string[], quota: number) =>
  `principals:\n${names
    .map(
      (n) =>
        `  - name: ${n}\n    token_sha256: ${sha(`${n}-token`)}\n    scopes: [read]\n    quotas: { calls_per_minute: ${quota} }\n`,
    )
    .join("")}`;

describe("the all-in-one process re-reads MCP_PRINCIPALS_FILE", () => {
  let sim: Simulator;
  let aio: AllInOne;
  let dir: string;
  let path: string;
  const call = (token: string) =>
    fetch(aio.url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "get_connection_status", arguments: {} },
      }),
    });
  const text = async (res: Response) =>
    ((await res.json()) as { result?: { content?: Array<{ text?: string }> } }).result?.content?.[0]?.text ??
    "";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ib-mcp-aio-reload-"));
    path = join(dir, "principals.yaml");
    writeFileSync(path, file(["research"], 1));
    sim = await startSimulator({ port: 0 });
    aio = await startAllInOne({
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "88",
      PORT: "0",
      LOG_LEVEL: "silent",
      MCP_PRINCIPALS_FILE: path,
    });
  });
  after(async () => {
    await aio?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("in both halves: a new principal authenticates, a raised quota applies; a bad file changes neither", async () => {
    assert.equal((await call("ops-token")).status, 401);
    assert.doesNotMatch(await text(await call("research-token")), /^RATE_LIMITED/);
    assert.match(await text(await call("research-token")), /^RATE_LIMITED: principal "research"/);

    writeFileSync(path, "principals:\n  - name: broken\n    scopes: [root]\n");
    assert.throws(() => aio.reload(), /MCP_PRINCIPALS_FILE/);
    assert.equal((await call("ops-token")).status, 401, "the old set stays in the gateway");

    writeFileSync(path, file(["research", "ops"], 100));
    aio.reload();
    assert.equal((await call("ops-token")).status, 200);
    assert.doesNotMatch(
      await text(await call("research-token")),
      /^RATE_LIMITED/,
      "the connector took the new quota",
    );
  });
});
