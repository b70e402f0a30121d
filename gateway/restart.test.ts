import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { catalogue } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { createGatewayApp } from "./app.ts";
import { type ServedGateway, serveGateway } from "./serve.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";

const logger = pino({ level: "silent" });

describe("a long-lived client across a gateway restart (the TBXark proxy's pattern)", () => {
  it("initializes once, and after the gateway restarts on the same port lists and calls without re-initializing", async () => {
    const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", PORT: "0" });
    const start = async (port: number): Promise<ServedGateway> => {
      const { bus } = createFakeBus(({ args }) => aaplLookup((args as { symbol: string }).symbol));
      const { app } = createGatewayApp({ bus, env, logger });
      return serveGateway(app, { HOST: "127.0.0.1", PORT: port }, logger, { drainMs: 2_000 });
    };

    let served = await start(0);
    const sent: Array<{ method: string; session: string | null }> = [];
    const client = new Client({ name: "proxy-like", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(served.url), {
      // record what the client sends, as a proxy would forward it
      fetch: async (input, init) => {
        const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
        const h = new Headers(init?.headers);
        sent.push({ method: body?.method ?? init?.method ?? "?", session: h.get("mcp-session-id") });
        return fetch(input, { ...init, headers: { ...Object.fromEntries(h), "accept-encoding": "gzip" } });
      },
    });
    try {
      await client.connect(transport);
      assert.equal(transport.sessionId, undefined, "the gateway hands out no session id");
      const before = await client.listTools();
      assert.equal(
        before.tools.length,
        catalogue.filter((t) => t.access === "read" && t.toolsets.some((s) => DEFAULT_TOOLSETS.includes(s)))
          .length,
      );

      await served.close();
      // A real restart takes far longer than this; it lets the client see its kept-alive socket close first
      // (an HTTP client sending on a socket the server is closing at that instant fails however it is served).
      await new Promise((r) => setTimeout(r, 100));
      served = await start(served.port);

      const after = await client.listTools();
      assert.deepEqual(
        after.tools.map((t) => t.name),
        before.tools.map((t) => t.name),
      );
      const called = await client.callTool({ name: "lookup_contract", arguments: { symbol: "IBM" } });
      assert.equal(called.isError, undefined);
      assert.deepEqual(called.structuredContent, aaplLookup("IBM"));
      assert.equal(sent.filter((s) => s.method === "initialize").length, 1, "initialized exactly once");
      assert.ok(sent.every((s) => s.session === null));
    } finally {
      await client.close().catch(() => undefined);
      await served.close();
    }
  });
});
