import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

/** One span as an OTLP/HTTP JSON export carries it, with the service.name of its resource. */
interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: number; message?: string };
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}

interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<Omit<OtlpSpan, "service">> }>;
  }>;
}

/** A collector stand-in: accepts POST /v1/traces (OTLP JSON, what @opentelemetry/exporter-trace-otlp-http sends). */
async function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const data = JSON.parse(body.toString()) as OtlpExport;
      for (const rs of data.resourceSpans ?? []) {
        const service =
          rs.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "?";
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, service });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

const attr = (s: OtlpSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value.stringValue;
const ERROR = 2; // OTLP StatusCode.STATUS_CODE_ERROR

describe("traces across processes: one trace per tool call, gateway → connector → IB, over OTLP", () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stack: NatsStack | undefined;
  const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const callerSpan = "00f067aa0ba902b7";

  before(async () => {
    receiver = await startOtlpReceiver();
    // The default batch delay (5 s) outlasts the test: spans reach the receiver only through the flush at exit.
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    stack = await startNatsStack({ clientId: "61", connectorEnv: otel, gatewayEnv: otel });
  });
  after(async () => {
    await stack?.stop();
    await new Promise((r) => receiver?.server.close(r));
  });

  it("each call is one trace with the gateway's and the connector's spans; a failed call's spans carry its error", async () => {
    const mcp = `${stack!.gateways[0]!.base}/mcp`;
    const traced = await mcpClient(mcp, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    const plain = await mcpClient(mcp);
    const ok = await traced.callTool({ name: "get_contract_details", arguments: { symbol: "IBM" } });
    assert.notEqual(ok.isError, true, textOf(ok));
    const failed = await plain.callTool({ name: "get_contract_details", arguments: { symbol: "ZZZQX" } });
    assert.equal(failed.isError, true, textOf(failed));
    assert.match(textOf(failed), /NOT_FOUND/);
    await traced.close();
    await plain.close();
    await stack!.stop(); // SIGTERM: each process exports what it still holds before it exits
    stack = undefined;

    const spans = receiver.spans;
    const names = spans.map((s) => `${s.service}:${s.name}`).join(", ");
    const gatewaySpans = spans.filter((s) => s.name === "ib.paper.get_contract_details request");
    assert.equal(gatewaySpans.length, 2, `one gateway span per call: ${names}`);
    const traceIds = new Set(gatewaySpans.map((s) => s.traceId));
    assert.equal(traceIds.size, 2, "two calls, two traces");
    assert.ok(traceIds.has(callerTrace), "the call with a traceparent continues the caller's trace");

    for (const gateway of gatewaySpans) {
      const group = spans.filter((s) => s.traceId === gateway.traceId);
      assert.deepEqual(
        [...new Set(group.map((s) => s.service))].sort(),
        ["ib-mcp-connector-paper", "ib-mcp-gateway"],
        `${gateway.traceId}: spans of both processes: ${group.map((s) => `${s.service}:${s.name}`).join(", ")}`,
      );
      const served = group.filter((s) => s.name === "ib.paper.get_contract_details process");
      assert.equal(served.length, 1, `${gateway.traceId}: one connector span`);
      assert.equal(served[0]!.service, "ib-mcp-connector-paper");
      assert.equal(served[0]!.parentSpanId, gateway.spanId, "the connector's span is under the gateway's");
      const ib = group.filter((s) => s.name.startsWith("ib ") && s.service === "ib-mcp-connector-paper");
      assert.ok(ib.length >= 1, `${gateway.traceId}: at least one IB request span`);
      for (const s of ib) assert.equal(s.parentSpanId, served[0]!.spanId, `${s.name} under the connector's`);
      assert.equal(group.length, 2 + ib.length, `${gateway.traceId}: no stray spans in the trace`);

      if (gateway.traceId === callerTrace) {
        assert.equal(gateway.parentSpanId, callerSpan, "the gateway's span is under the caller's");
        for (const s of group) assert.notEqual(s.status?.code, ERROR, `${s.name} succeeded`);
      } else {
        assert.ok(!gateway.parentSpanId, "without a traceparent the gateway's span starts the trace");
        for (const s of [gateway, served[0]!]) {
          assert.equal(s.status?.code, ERROR, `${s.service}:${s.name} failed`);
          assert.equal(attr(s, "ib_mcp.error_code"), "NOT_FOUND", `${s.service}:${s.name} names the error`);
        }
      }
    }
  });
});
