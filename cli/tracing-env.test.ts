import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../shared/config.ts";
import { tracingEnabled } from "../shared/tracing.ts";
import { installTracing } from "./tracing.ts";

describe("tracing configuration", () => {
  it("stays off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing installed, no spans made", async () => {
    const t = installTracing("ib-mcp-gateway", {});
    assert.equal(tracingEnabled(), false);
    await t.shutdown();
  });

  it("refuses an endpoint that is not a URL, naming the variable", () => {
    assert.throws(
      () => installTracing("ib-mcp-gateway", { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }),
      (e: Error) => e instanceof ConfigError && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(e.message),
    );
  });

  it("is on with an endpoint, and off again after shutdown", async () => {
    const t = installTracing("ib-mcp-gateway", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1" });
    assert.equal(tracingEnabled(), true);
    await t.shutdown();
    assert.equal(tracingEnabled(), false);
  });
});
