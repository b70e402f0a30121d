import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { ConnectorHandle } from "../connector/connector.ts";
import { testConnector } from "../connector/test-support.ts";
import { createNatsBus } from "../gateway/bus/nats-bus.ts";
import { tracingEnabled } from "../shared/tracing.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { type NatsServerHandle, startNatsServer } from "../test/support/nats-server.ts";
import { installTracing, type Tracing } from "./tracing.ts";

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe("one trace per tool call: gateway → NATS → connector → IB", () => {
  let server: NatsServerHandle;
  let sim: Simulator;
  let gatewayNc: NatsConnection;
  let connectorNc: NatsConnection;
  let connector: ConnectorHandle;
  let tracing: Tracing;
  const exporter = new InMemorySpanExporter();

  before(async () => {
    tracing = installTracing("ib-mcp-test", {}, exporter);
    server = await startNatsServer();
    sim = await startSimulator({ port: 0 });
    gatewayNc = await connect({ servers: server.url });
    connectorNc = await connect({ servers: server.url });
    connector = await testConnector(sim.port, { LEASE_TTL_MS: "3000" }, { nc: connectorNc });
    await connector.ready(10_000);
  });
  after(async () => {
    await connector?.close();
    await gatewayNc?.close();
    await connectorNc?.close();
    await sim?.close();
    await server?.stop();
    await tracing?.shutdown();
  });

  it("each call's spans share one trace id, parented gateway → connector → IB, under the agent's traceparent", async () => {
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 5_000 });
    const agentTrace = "0af7651916cd43dd8448eb211c80319c";
    const agentSpan = "b7ad6b7169203331";
    exporter.reset();
    for (const [i, symbol] of ["IBM", "MSFT"].entries()) {
      const ctx = { requestId: `t${i}`, timeoutMs: 10_000 };
      await bus.call(
        "paper",
        "get_contract_details",
        { symbol },
        i === 0 ? { ...ctx, traceparent: `00-${agentTrace}-${agentSpan}-01` } : ctx,
      );
    }
    const spans = exporter.getFinishedSpans();
    const traces = new Map<string, ReadableSpan[]>();
    for (const s of spans)
      traces.set(s.spanContext().traceId, [...(traces.get(s.spanContext().traceId) ?? []), s]);
    assert.equal(traces.size, 2, `two calls, two traces: ${spans.map((s) => s.name).join(", ")}`);
    assert.ok(traces.has(agentTrace), "the first call continues the agent's trace");
    for (const [traceId, group] of traces) {
      const gateway = group.filter((s) => s.name === "ib.paper.get_contract_details request");
      const served = group.filter((s) => s.name === "ib.paper.get_contract_details process");
      const ib = group.filter((s) => s.name.startsWith("ib "));
      assert.equal(gateway.length, 1, `${traceId}: one gateway span`);
      assert.equal(served.length, 1, `${traceId}: one connector span`);
      assert.ok(ib.length >= 1, `${traceId}: at least one IB request span`);
      assert.equal(
        parentOf(served[0]!),
        gateway[0]!.spanContext().spanId,
        "connector span under the gateway's",
      );
      for (const s of ib)
        assert.equal(parentOf(s), served[0]!.spanContext().spanId, `${s.name} under the connector's`);
      if (traceId === agentTrace) assert.equal(parentOf(gateway[0]!), agentSpan);
    }
  });

  it("a failed call's spans carry its error code", async () => {
    const bus = createNatsBus(gatewayNc);
    exporter.reset();
    await assert.rejects(
      bus.call("paper", "get_contract_details", { symbol: "" }, { requestId: "bad", timeoutMs: 5_000 }),
    );
    const failed = exporter
      .getFinishedSpans()
      .filter((s) => s.attributes["ib_mcp.error_code"] === "INVALID_ARGUMENT");
    assert.equal(failed.length, 2, "the gateway's and the connector's span");
  });

  it("after shutdown tracing is off and makes no spans", async () => {
    await tracing.shutdown();
    assert.equal(tracingEnabled(), false);
    exporter.reset();
    await createNatsBus(gatewayNc).call(
      "paper",
      "lookup_contract",
      { symbol: "AAPL" },
      { requestId: "off", timeoutMs: 5_000 },
    );
    assert.equal(exporter.getFinishedSpans().length, 0);
  });
});
