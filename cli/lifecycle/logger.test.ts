import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { processLogger } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => lines.join("") };
}

describe("every role's logger", () => {
  it("redacts credentials at the top level and one object down, and keeps the rest", () => {
    const out = capture();
    const logger = processLogger("info", { app: "ib-mcp" }, out.stream);
    logger.info({ token: "tok-1", nats: { pass: "pw-2", NATS_TOKEN: "tok-3", servers: "nats://x" } }, "a");
    logger.info(
      { req: { headers: { authorization: "Bearer tok-4" } }, env: { MCP_AUTH_TOKENS: "tok-5" } },
      "b",
    );
    const text = out.text();
    for (const secret of ["tok-1", "pw-2", "tok-3", "tok-4", "tok-5"])
      assert.ok(!text.includes(secret), text);
    assert.match(text, /nats:\/\/x/);
    assert.match(text, /\[Redacted\]/);
  });
});
