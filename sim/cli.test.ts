import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("./bin.ts", import.meta.url));

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

function exited(p: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`still running after ${ms} ms`));
    }, ms);
    p.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

function firstLine(p: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const t = setTimeout(() => reject(new Error(`no ready line within ${ms} ms`)), ms);
    p.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(t);
        resolve(buf.slice(0, nl));
      }
    });
  });
}

describe("sim CLI", { timeout: 30_000 }, () => {
  it("prints one ready line, serves, and stops cleanly on SIGTERM", async () => {
    const p = run(["--port", "0", "--control-port", "0", "--account", "DU1,DU2", "--time-scale", "0.5"]);
    const line = await firstLine(p, 15_000);
    const m =
      /^ib-sim listening on 127\.0\.0\.1:(\d+) \(server version 193, accounts DU1,DU2, control http:\/\/127\.0\.0\.1:(\d+)\)$/.exec(
        line,
      );
    assert.ok(m, line);
    const stats = await fetch(`http://127.0.0.1:${m[2]}/stats`, { signal: AbortSignal.timeout(3000) });
    assert.equal(stats.status, 200);
    p.kill("SIGTERM");
    assert.equal(await exited(p, 5000), 0);
  });

  it("replays a directory on a simulated clock and says so in its ready line", async () => {
    const dir = fileURLToPath(new URL("./replay-sample/", import.meta.url));
    const p = run([
      "--port",
      "0",
      "--replay",
      dir,
      "--replay-start",
      "2026-11-27T15:00:00Z",
      "--replay-speed",
      "60",
    ]);
    const line = await firstLine(p, 15_000);
    assert.match(line, /simulated clock at 2026-11-27T15:0\d:\d\d\.\d{3}Z\)$/);
    p.kill("SIGTERM");
    assert.equal(await exited(p, 5000), 0);
  });

  it("a bad flag prints an error naming it and exits 2", async () => {
    const cases = [
      [["--port", "http"], /--port must be a whole number/],
      [["--time-scale", "-1"], /--time-scale/],
      [["--frobnicate"], /frobnicate/],
      [["--account", "du-1"], /--account/],
      [["--replay", "/nonexistent-replay-dir"], /--replay \/nonexistent-replay-dir: .*ENOENT/],
      [["--replay-start", "next tuesday"], /--replay-start "next tuesday" is not a time/],
      [["--replay-speed", "0"], /--replay-speed must be > 0/],
      [["--master-client-id", "x"], /--master-client-id must be a whole number/],
    ] as const;
    // side by side: each start loads the simulator's modules, seconds apiece on a loaded machine
    await Promise.all(
      cases.map(async ([args, pattern]) => {
        const p = run([...args]);
        let err = "";
        p.stderr!.on("data", (c: Buffer) => {
          err += c.toString();
        });
        assert.equal(await exited(p, 20_000), 2, args.join(" "));
        assert.match(err, pattern);
      }),
    );
  });
});
