import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { ErrorCode, IbMcpError } from "../shared/errors.ts";
import { Toolset } from "../shared/tool-def.ts";
import { catalogue, lookupContract } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { createGatewayApp } from "./app.ts";
import { createMcpServer } from "./mcp/mcp-server.ts";
import { outlineOutput } from "./mcp/output-outline.ts";
import { compactSchema, leanAnnotations } from "./mcp/tool-list.ts";
import { ERROR_META_KEY } from "./mcp/tool-result.ts";
import { createMetrics } from "./metrics.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

const logger = pino({ level: "silent" });
const env = (extra: Record<string, string> = {}) => parseEnv(GatewayEnv, { LOG_LEVEL: "silent", ...extra });

describe("tools/list", () => {
  it("lists the read tools of the default toolsets with schemas and annotations, even with the bus down", async () => {
    const { bus, state, calls } = createFakeBus(() => {
      throw new IbMcpError("CONNECTOR_UNAVAILABLE", "down");
    });
    state.alive = false;
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { res, json } = await mcpRequest(app, "tools/list");
    assert.equal(res.status, 200);
    const tools = json.result.tools as Array<Record<string, unknown>>;
    assert.deepEqual(
      tools.map((t) => t.name),
      catalogue
        .filter((t) => t.access === "read" && t.toolsets.some((s) => DEFAULT_TOOLSETS.includes(s)))
        .map((t) => t.name),
    );
    for (const t of tools) {
      const input = t.inputSchema as { type: string; anyOf?: unknown };
      assert.equal(input.type, "object", `${t.name} has a flat object input schema`);
      assert.equal(input.anyOf, undefined);
      assert.equal((t.outputSchema as { type: string }).type, "object");
      assert.ok(typeof t.title === "string" && t.title.length > 0, `${t.name} has a title`);
      const ann = t.annotations as { title?: string; readOnlyHint: boolean };
      assert.equal(ann.title, undefined, "the title is said once, at the top level");
      assert.equal(ann.readOnlyHint, true);
    }
    assert.equal(calls.length, 0, "tools/list never touches the bus");
  });

  it("the cached list equals what the SDK itself would list, less what says nothing ($schema, 2^53 bounds, execution, a repeated title, default hints), output schemas outlined below their top-level fields", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
    const listVia = async (server: McpServer) => {
      const [a, b] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: "t", version: "0" });
      await Promise.all([server.connect(a), client.connect(b)]);
      const { tools } = await client.listTools();
      await client.close();
      await server.close();
      return tools;
    };
    const reference = new McpServer({ name: "ref", version: "0" });
    for (const t of catalogue) {
      reference.registerTool(
        t.name,
        {
          title: t.title,
          description: t.description,
          inputSchema: t.input,
          outputSchema: t.output,
          annotations: t.annotations,
        },
        () => ({ content: [] }),
      );
    }
    const ours = createMcpServer({
      tools: catalogue,
      defaultToolsets: Toolset.options,
      mode: "paper",
      callTool: async () => ({ content: [] }),
    });
    // the mux carries HTTP requests; for this comparison the same server is listed over an in-memory pair
    await ours.close();
    // compared as they travel: JSON drops keys whose value is undefined
    const wire = (v: unknown) => JSON.parse(JSON.stringify(v));
    const expected = (await listVia(reference)).map(({ execution: _, ...t }) => ({
      ...t,
      inputSchema: compactSchema(t.inputSchema),
      outputSchema: outlineOutput(compactSchema(t.outputSchema, true)),
      annotations: leanAnnotations(t.annotations),
    }));
    assert.deepEqual(wire(await listVia(ours.server)), wire(expected));
  });
});

describe("tools/call", () => {
  it("returns structuredContent and the summary text, and passes request id, deadline and traceparent on", async () => {
    const { bus, calls } = createFakeBus(({ args }) => aaplLookup((args as { symbol: string }).symbol));
    const { app } = createGatewayApp({ bus, env: env({ MCP_REQUEST_TIMEOUT_MS: "5000" }), logger });
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const { res, json } = await mcpRequest(
      app,
      "tools/call",
      { name: "lookup_contract", arguments: { symbol: "MSFT" } },
      { "X-Request-Id": "agent-req-42", traceparent },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-request-id"), "agent-req-42");
    assert.equal(res.headers.get("mcp-session-id"), null);
    assert.equal(json.result.isError, undefined);
    assert.deepEqual(json.result.structuredContent, aaplLookup("MSFT"));
    assert.equal(json.result.content[0].text, lookupContract.summarize(aaplLookup("MSFT")));
    assert.equal(calls.length, 1);
    const call = calls[0]!;
    assert.equal(call.mode, "paper");
    assert.equal(call.tool, "lookup_contract");
    // the SDK applied the schema defaults once; the gateway passes the parsed arguments on
    assert.deepEqual(call.args, { symbol: "MSFT", sec_type: "STK", exchange: "SMART", currency: "USD" });
    assert.equal(call.ctx.requestId, "agent-req-42");
    assert.equal(call.ctx.traceparent, traceparent);
    assert.ok(call.ctx.timeoutMs > 4_000 && call.ctx.timeoutMs <= 5_000, `timeoutMs ${call.ctx.timeoutMs}`);
  });

  it("generates a request id when the incoming one is malformed", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { res } = await mcpRequest(
      app,
      "tools/call",
      { name: "lookup_contract", arguments: { symbol: "AAPL" } },
      { "X-Request-Id": "bad id with spaces" },
    );
    const id = res.headers.get("x-request-id");
    assert.ok(id && /^[0-9a-f-]{36}$/.test(id), `generated id ${id}`);
    assert.equal(calls[0]?.ctx.requestId, id);
  });

  const codes = ErrorCode.options;
  const nextStepWords: Record<ErrorCode, string> = {
    INVALID_ARGUMENT: "Fix the arguments",
    NOT_FOUND: "search_contracts",
    CONNECTOR_UNAVAILABLE: "TRADING_MODE=paper",
    IB_UNAVAILABLE: "retry in 7 s",
    TIMEOUT: "retry once",
    RATE_LIMITED: "retry in 7 s",
    NO_MARKET_DATA_PERMISSION: "delayed data",
    CLIENT_ID_IN_USE: "IB_CLIENT_ID",
    READ_ONLY: "read-only",
    FORBIDDEN: "grant the scope",
    INTERNAL: "report it with the request id",
  };
  for (const code of codes) {
    it(`${code} becomes an isError result with the next step, the request id and _meta`, async () => {
      const { bus } = createFakeBus(() => {
        throw new IbMcpError(code, `boom ${code.toLowerCase()}`, { retryAfterMs: 6_500 });
      });
      const { app } = createGatewayApp({ bus, env: env(), logger });
      const { json } = await mcpRequest(
        app,
        "tools/call",
        { name: "lookup_contract", arguments: { symbol: "AAPL" } },
        { "X-Request-Id": `rid-${code}` },
      );
      const r = json.result;
      assert.equal(r.isError, true);
      assert.equal(r.structuredContent, undefined);
      const text = r.content[0].text as string;
      assert.ok(text.startsWith(`${code}: boom ${code.toLowerCase()}`), text);
      assert.ok(text.includes(nextStepWords[code]), text);
      assert.ok(text.endsWith(`(request id rid-${code})`), text);
      assert.equal(r._meta[ERROR_META_KEY].code, code);
      assert.equal(r._meta[ERROR_META_KEY].retryAfterMs, 6_500);
      assert.equal(r._meta[ERROR_META_KEY].requestId, `rid-${code}`);
    });
  }

  it("a non-IbMcpError thrown by the bus is INTERNAL without its text", async () => {
    const { bus } = createFakeBus(() => {
      throw new Error("secret stack detail");
    });
    const metrics = createMetrics();
    const { app } = createGatewayApp({ bus, env: env(), logger, metrics });
    const { json } = await mcpRequest(app, "tools/call", { name: "get_positions", arguments: {} });
    assert.equal(json.result._meta[ERROR_META_KEY].code, "INTERNAL");
    assert.ok(!json.result.content[0].text.includes("secret"));
    const text = await metrics.registry.metrics();
    assert.match(text, /ib_mcp_tool_errors_total\{tool="get_positions",code="INTERNAL"\} 1/);
  });

  it("invalid arguments are refused by the SDK's validation, naming the field, without a bus call", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { json } = await mcpRequest(app, "tools/call", {
      name: "lookup_contract",
      arguments: { symbol: "AAPL", currency: "dollars" },
    });
    assert.equal(json.result.isError, true);
    assert.match(json.result.content[0].text, /currency/);
    assert.equal(calls.length, 0);
  });

  it("an unknown tool is an error naming it", async () => {
    const { bus } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { json } = await mcpRequest(app, "tools/call", { name: "place_order", arguments: {} });
    const message = json.error?.message ?? json.result?.content?.[0]?.text;
    assert.match(message, /place_order/);
  });

  it("a bus that never answers gives a TIMEOUT result at the deadline", async () => {
    const { bus } = createFakeBus(() => new Promise(() => {}));
    const { app } = createGatewayApp({ bus, env: env({ MCP_REQUEST_TIMEOUT_MS: "300" }), logger });
    const started = Date.now();
    const { json } = await mcpRequest(app, "tools/call", {
      name: "lookup_contract",
      arguments: { symbol: "AAPL" },
    });
    const took = Date.now() - started;
    assert.equal(json.result._meta[ERROR_META_KEY].code, "TIMEOUT");
    assert.ok(took >= 280 && took < 2_000, `took ${took} ms`);
  });

  it("serves many concurrent calls through one server with the right scope each", async () => {
    const { bus } = createFakeBus(async ({ args, ctx }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      return aaplLookup(
        `${(args as { symbol: string }).symbol}`.slice(0, 32) + (ctx.requestId === "x" ? "!" : ""),
      );
    });
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        mcpRequest(
          app,
          "tools/call",
          { name: "lookup_contract", arguments: { symbol: `S${i}` } },
          { "X-Request-Id": `r${i}` },
        ),
      ),
    );
    results.forEach(({ json, res }, i) => {
      assert.equal(res.headers.get("x-request-id"), `r${i}`);
      assert.equal(json.result.structuredContent.symbol, `S${i}`);
    });
  });

  it("answers initialize and ping statelessly, without a session id", async () => {
    const { bus } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const init = await mcpRequest(app, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    });
    assert.equal(init.json.result.serverInfo.name, "ib-mcp");
    assert.ok(init.json.result.capabilities.tools);
    assert.equal(init.res.headers.get("mcp-session-id"), null);
    const ping = await mcpRequest(app, "ping");
    assert.deepEqual(ping.json.result, {});
  });
});
