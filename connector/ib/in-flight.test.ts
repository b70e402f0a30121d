import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { InFlight } from "./in-flight.ts";

describe("InFlight", () => {
  it("passes results through and forgets finished requests", async () => {
    const f = new InFlight();
    assert.equal(await f.run(Promise.resolve(7)), 7);
    await assert.rejects(f.run(Promise.reject(new Error("boom"))), /boom/);
    assert.equal(f.size, 0);
  });

  it("fails every waiting request at once", async () => {
    const f = new InFlight();
    const never = new Promise<number>(() => undefined);
    const calls = [f.run(never), f.run(never), f.run(never)];
    assert.equal(f.size, 3);
    const n = f.failAll(new IbMcpError("IB_UNAVAILABLE", "socket closed"));
    assert.equal(n, 3);
    for (const c of calls) await assert.rejects(c, (e: IbMcpError) => e.code === "IB_UNAVAILABLE");
    assert.equal(f.size, 0);
  });
});
