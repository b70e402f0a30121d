import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTurnBatcher } from "./turn-batcher.ts";

describe("turn batcher", () => {
  it("sends at once when only one piece of work is open", async () => {
    const b = createTurnBatcher();
    const sent: string[] = [];
    await b.track(async () => {
      b.send(() => sent.push("a"));
      assert.deepEqual(sent, ["a"], "sent synchronously");
    });
    assert.equal(b.open, 0);
  });

  it("gathers the sends of concurrent work and runs them together, in order, in the check phase", async () => {
    const b = createTurnBatcher();
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const works = ["a", "b", "c"].map((name) =>
      b.track(async () => {
        await gate;
        b.send(() => sent.push(name));
        assert.deepEqual(sent, [], `${name} waits for the end of the turn`);
      }),
    );
    assert.equal(b.open, 3);
    release();
    await Promise.all(works);
    assert.deepEqual(sent, [], "nothing before the check phase");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ["a", "b", "c"]);
    assert.equal(b.open, 0);
  });

  it("a send queued behind others waits its turn even when it is alone by then", async () => {
    const b = createTurnBatcher();
    const sent: string[] = [];
    const first = b.track(async () => {
      await Promise.resolve();
      b.send(() => sent.push("first"));
    });
    const second = b.track(async () => {
      await first;
      // first has left: second is alone now, but first's send is still queued, so order is kept
      b.send(() => sent.push("second"));
    });
    await Promise.all([first, second]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ["first", "second"]);
  });

  it("counts work that fails as closed", async () => {
    const b = createTurnBatcher();
    await assert.rejects(
      b.track(async () => {
        throw new Error("boom");
      }),
    );
    assert.equal(b.open, 0);
  });
});
