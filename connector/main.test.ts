import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../shared/config.ts";
import { runConnector } from "./main.ts";

describe("runConnector", () => {
  it("refuses to start without NATS_URL, saying what to set or run instead", async () => {
    await assert.rejects(runConnector({ TRADING_MODE: "paper" }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /NATS_URL/);
      assert.match(e.message, /npm run start/);
      return true;
    });
  });

  it("reports bad variables by name before connecting anywhere", async () => {
    await assert.rejects(
      runConnector({ NATS_URL: "nats://127.0.0.1:1", IB_PORT: "99999" }),
      (e: unknown) => e instanceof ConfigError && e.message.includes("IB_PORT"),
    );
  });
});
