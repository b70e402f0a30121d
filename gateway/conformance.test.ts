import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { type ServedGateway, serveGateway } from "./serve.ts";
import { assertConformance, conformanceScenarios } from "./testing/conformance.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";

describe("MCP conformance suite (@modelcontextprotocol/conformance) against a listening gateway", () => {
  let served: ServedGateway;

  before(async () => {
    const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", PORT: "0" });
    const logger = pino({ level: "silent" });
    const { bus } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env, logger });
    served = await serveGateway(app, env, logger, { drainMs: 1_000 });
  });

  after(async () => {
    await served?.close();
  });

  for (const scenario of conformanceScenarios) {
    it(`${scenario} passes`, () => assertConformance(served.url, scenario));
  }
});
