import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, GatewayEnv, NatsEnv, parseEnv } from "./config.ts";
import { inboxPrefixFor, natsConnectOptions } from "./nats-options.ts";

const noFile = () => new Uint8Array();
const noCreds = () => () => ({ user: "unused" });

describe("NATS reply inboxes: one prefix per user", () => {
  it("defaults to _INBOX_<NATS_USER>, so nats.conf can give each user only its own replies", () => {
    assert.equal(
      inboxPrefixFor(parseEnv(NatsEnv, { NATS_USER: "gateway_trading" }), "gateway"),
      "_INBOX_gateway_trading",
    );
    assert.equal(
      inboxPrefixFor(parseEnv(NatsEnv, { NATS_USER: "ops@example.com" }), "gateway"),
      "_INBOX_ops_example_com",
    );
  });

  it("without a user (token, creds file) it is _INBOX_<role>; NATS_INBOX_PREFIX wins over both", () => {
    assert.equal(inboxPrefixFor(parseEnv(NatsEnv, {}), "connector_live"), "_INBOX_connector_live");
    const env = parseEnv(NatsEnv, { NATS_USER: "gateway", NATS_INBOX_PREFIX: "_INBOX" });
    assert.equal(inboxPrefixFor(env, "gateway"), "_INBOX");
  });

  it("reaches the nats.js connection options", () => {
    const env = parseEnv(GatewayEnv, { NATS_URL: "nats://n:4222", NATS_USER: "gateway" });
    assert.equal(
      natsConnectOptions(env, "ib-mcp-gateway", noFile, noCreds, "gateway").inboxPrefix,
      "_INBOX_gateway",
    );
  });

  it("refuses a prefix with wildcards or spaces, naming the variable", () => {
    for (const bad of ["_INBOX.>", "_INBOX.*", "my inbox", "a..b"])
      assert.throws(
        () => parseEnv(NatsEnv, { NATS_INBOX_PREFIX: bad }),
        (err: Error) => err instanceof ConfigError && /NATS_INBOX_PREFIX/.test(err.message),
        bad,
      );
  });
});

describe("NATS_URL as a cluster's server list", () => {
  it("takes every server of a comma list, spaces trimmed, randomized unless NATS_NO_RANDOMIZE", () => {
    const list = "nats://a:4222, nats://b:4222,nats://c:4222";
    const env = parseEnv(GatewayEnv, { NATS_URL: list });
    const opts = natsConnectOptions(env, "g", noFile, noCreds, "gateway");
    assert.deepEqual(opts.servers, ["nats://a:4222", "nats://b:4222", "nats://c:4222"]);
    assert.equal(opts.noRandomize, false);
    const pinned = parseEnv(GatewayEnv, { NATS_URL: list, NATS_NO_RANDOMIZE: "true" });
    assert.equal(natsConnectOptions(pinned, "g", noFile, noCreds, "gateway").noRandomize, true);
  });
});
