/**
 * The MCP front door of a real gateway process (→ NATS → connector → simulator), as raw HTTP and the MCP SDK client
 * see it: every malformed message answered at once, batches by protocol version, one error shape for agents,
 * toolsets per gateway (MCP_TOOLSETS) and per URL, no listChanged.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { Toolset } from "../shared/tool-def.ts";
import { catalogue } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { freePort } from "./support/free-port.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf, waitForOk } from "./support/stack.ts";

type Reply = {
  jsonrpc: string;
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
};

const namesOf = (sets: readonly Toolset[]) =>
  catalogue.filter((t) => t.access === "read" && t.toolsets.some((s) => sets.includes(s))).map((t) => t.name);

describe("the MCP front door of a gateway process", () => {
  let stack: NatsStack;
  let base: string;
  /** A second gateway on the same NATS with MCP_TOOLSETS=news,options. */
  let newsGateway: { cli: CliProcess; base: string };

  const post = (body: string, headers: Record<string, string> = {}, path = "/mcp") =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        ...headers,
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  const rpc = (id: unknown, method: string, params?: unknown) =>
    ({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }) as Record<string, unknown>;

  before(async () => {
    stack = await startNatsStack({ clientId: "41" });
    base = stack.gateways[0]!.base;
    const port = await freePort();
    newsGateway = {
      cli: spawnCli("gateway", [], {
        NATS_URL: stack.nats.url,
        PORT: String(port),
        MCP_TOOLSETS: "news,options",
      }),
      base: `http://127.0.0.1:${port}`,
    };
    await waitForOk(`${newsGateway.base}/ready`, 30_000);
    // the first request of a process pays for compiling its code paths; the timings below are about waiting
    await post(JSON.stringify(rpc(0, "ping")));
  });

  after(async () => {
    await newsGateway?.cli.stop();
    await stack?.stop();
  });

  it("answers every malformed message at once (within 100 ms) with the SDK transport's status and error", async () => {
    const bad = { jsonrpc: "2.0", id: 2, method: "ping", extra: true };
    const shapes: Array<[string, string, number, number]> = [
      ["an unknown member", JSON.stringify(bad), 400, -32700],
      ["params._meta not an object", JSON.stringify(rpc(3, "ping", { _meta: "x" })), 400, -32700],
      ["a fractional id", JSON.stringify(rpc(1.5, "ping")), 400, -32700],
      ["a null request id", JSON.stringify(rpc(null, "ping")), 400, -32700],
      ["params as an array", JSON.stringify(rpc(4, "tools/call", ["lookup_contract"])), 400, -32700],
      ["jsonrpc 1.0", JSON.stringify({ ...rpc(5, "ping"), jsonrpc: "1.0" }), 400, -32700],
      ["a bare number", "42", 400, -32700],
      ["not JSON", '{"jsonrpc":"2.0",', 400, -32700],
      ["a batch of 100 such messages", JSON.stringify(Array.from({ length: 100 }, () => bad)), 400, -32700],
      ["a batch of 101", JSON.stringify(Array.from({ length: 101 }, (_, i) => rpc(i, "ping"))), 400, -32600],
      ["an empty batch", "[]", 400, -32600],
    ];
    for (const [what, body, status, code] of shapes) {
      const started = performance.now();
      const res = await post(body);
      const json = (await res.json()) as Reply;
      const ms = performance.now() - started;
      assert.equal(res.status, status, what);
      assert.equal(json.error?.code, code, what);
      assert.equal(json.id, null, what);
      assert.ok(ms < 100, `${what}: answered in ${ms.toFixed(0)} ms`);
    }
  });

  it("answers well-formed requests the server refuses at once too: unknown method, tools/call without a name", async () => {
    for (const [body, code] of [
      [rpc(6, "no/such/method"), -32601],
      [rpc(7, "tools/call", { arguments: {} }), -32602],
    ] as const) {
      const started = performance.now();
      const json = (await (await post(JSON.stringify(body))).json()) as Reply;
      assert.ok(performance.now() - started < 100, JSON.stringify(body));
      assert.equal(json.id, body.id);
      assert.equal(json.error?.code, code);
      if (body.method === "tools/call")
        assert.match(
          json.error?.message ?? "",
          /^INVALID_ARGUMENT: .* Fix the arguments .*\(request id [^)]+\)$/,
        );
    }
  });

  it("a batch of one gets an array; batches are refused under 2025-06-18 and later, accepted before", async () => {
    const one = await post(JSON.stringify([rpc("only", "ping")]));
    assert.deepEqual(await one.json(), [{ jsonrpc: "2.0", id: "only", result: {} }]);
    const single = await post(JSON.stringify(rpc("bare", "ping")));
    assert.deepEqual(await single.json(), { jsonrpc: "2.0", id: "bare", result: {} });
    const two = JSON.stringify([rpc(1, "ping"), rpc(2, "ping")]);
    for (const version of ["2025-06-18", "2025-11-25"]) {
      const res = await post(two, { "MCP-Protocol-Version": version });
      assert.equal(res.status, 400, version);
      const json = (await res.json()) as Reply;
      assert.equal(json.error?.code, -32600);
      assert.match(json.error?.message ?? "", new RegExp(`${version} has no JSON-RPC batches`));
    }
    for (const headers of [{}, { "MCP-Protocol-Version": "2025-03-26" }] as Array<Record<string, string>>) {
      const res = await post(two, headers);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Reply[]).length, 2);
    }
  });

  it("unknown tools and invalid arguments carry the code, the next step and the request id, like every error", async () => {
    const client = await mcpClient(`${base}/mcp`);
    try {
      await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }), (err: unknown) => {
        assert.ok(err instanceof McpError);
        assert.equal(err.code, -32602);
        assert.match(
          err.message,
          /INVALID_ARGUMENT: unknown tool "no_such_tool".* Fix the arguments .*\(request id [^)]+\)$/,
        );
        return true;
      });
      const invalid = await client.callTool({ name: "get_quote", arguments: { symbols: [] } });
      assert.equal(invalid.isError, true);
      assert.match(
        textOf(invalid),
        /^INVALID_ARGUMENT: invalid arguments for get_quote: symbols: .* Fix the arguments .*\(request id [^)]+\)$/,
      );
      const meta = invalid._meta as Record<string, { code: string }> | undefined;
      assert.equal(meta?.["ib-mcp/error"]?.code, "INVALID_ARGUMENT");
      const refused = await client.callTool({ name: "lookup_contract", arguments: { symbol: "ZZZZQ" } });
      assert.match(textOf(refused), /^NOT_FOUND: .*\(request id [^)]+\)$/, "the shape every other error has");
    } finally {
      await client.close();
    }
  });

  it("does not announce listChanged, which it has no stream to send on", async () => {
    const client = await mcpClient(`${base}/mcp`);
    assert.deepEqual(client.getServerCapabilities()?.tools, {});
    await client.close();
  });

  it("lists the default toolsets, MCP_TOOLSETS' sets on a gateway that names them, and each URL's own choice", async () => {
    const listed = async (url: string) => {
      const client = await mcpClient(url);
      try {
        return (await client.listTools()).tools.map((t) => t.name);
      } finally {
        await client.close();
      }
    };
    assert.deepEqual(await listed(`${base}/mcp`), namesOf(DEFAULT_TOOLSETS));
    assert.deepEqual(await listed(`${newsGateway.base}/mcp`), namesOf(["news", "options"]));
    assert.deepEqual(await listed(`${base}/mcp?toolsets=market,account`), namesOf(["market", "account"]));
    assert.deepEqual(await listed(`${base}/mcp/toolsets/options`), namesOf(["options"]));
    assert.deepEqual(await listed(`${base}/mcp/paper/toolsets/news`), namesOf(["news"]));
    assert.deepEqual(await listed(`${newsGateway.base}/mcp?toolsets=all`), namesOf(Toolset.options));
    // the seed's ten keep their names in every set that serves their area
    for (const seed of ["lookup_contract", "get_historical_data", "get_account_summary", "get_article"]) {
      assert.ok((await listed(`${base}/mcp?toolsets=all`)).includes(seed), seed);
    }
  });

  it("a URL's toolsets shape what it lists, not what it calls; an order tool with trading off is refused; an unknown toolset is a 400", async () => {
    const client = await mcpClient(`${base}/mcp?toolsets=account`);
    try {
      // a prompt that names a tool outside the URL's sets keeps working
      const chain = await client.callTool({
        name: "get_option_chain",
        arguments: { symbol: "AAPL", sec_type: "STK" },
      });
      assert.notEqual(chain.isError, true, textOf(chain));
      await assert.rejects(
        client.callTool({ name: "place_order", arguments: { token: "x" } }),
        (err: unknown) => {
          assert.ok(err instanceof McpError);
          assert.match(
            err.message,
            /^MCP error -32602: INVALID_ARGUMENT: place_order changes orders, and trading is off on this gateway .*MCP_ENABLE_TRADING=true.*\(request id [^)]+\)$/,
          );
          return true;
        },
      );
    } finally {
      await client.close();
    }
    const res = await post(JSON.stringify(rpc(1, "tools/list")), {}, "/mcp?toolsets=market,crypto");
    assert.equal(res.status, 400);
    assert.match(
      ((await res.json()) as Reply).error?.message ?? "",
      /unknown toolset "crypto"; use all or a comma list of: contracts, market/,
    );
  });

  it("the default tools/list stays within 25 KB on the wire", async () => {
    const res = await post(JSON.stringify(rpc(1, "tools/list")));
    const bytes = (await res.arrayBuffer()).byteLength;
    console.log(`default tools/list: ${bytes} bytes for ${namesOf(DEFAULT_TOOLSETS).length} tools`);
    assert.ok(bytes <= 25 * 1024, `${bytes} bytes`);
  });
});
