import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { stopOnSignals } from "./signals.ts";

const logger = pino({ level: "silent" });

/** Installs the handlers with a recorded exit, and resolves with the exit code. */
function install(stop: () => Promise<void>, deadlineMs = 5_000) {
  let off: () => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    off = stopOnSignals(stop, { logger, message: "stopping", deadlineMs, exit: resolve });
  });
  return { exited, off };
}

describe("stopping on SIGINT/SIGTERM", () => {
  it("stops once, however many signals come, and exits 0 when stopping finished", async () => {
    let stops = 0;
    const { exited, off } = install(async () => {
      stops++;
      await new Promise((r) => setTimeout(r, 20));
    });
    process.emit("SIGTERM");
    process.emit("SIGINT");
    assert.equal(await exited, 0);
    assert.equal(stops, 1);
    off();
  });

  it("exits 1 at the shutdown deadline when stopping hangs", async () => {
    const started = Date.now();
    const { exited, off } = install(() => new Promise(() => undefined), 80);
    process.emit("SIGINT");
    assert.equal(await exited, 1);
    assert.ok(Date.now() - started < 2_000);
    off();
  });

  it("exits 1 when stopping fails", async () => {
    const { exited, off } = install(async () => {
      throw new Error("drain failed");
    });
    process.emit("SIGTERM");
    assert.equal(await exited, 1);
    off();
  });
});
