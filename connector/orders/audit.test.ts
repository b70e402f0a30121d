import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { createAuditLog } from "./audit.ts";

describe("audit log", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("appends one JSON line per entry, in call order, each on disk when append resolves", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ibmcp-audit-"));
    dirs.push(dir);
    const path = join(dir, "audit.jsonl");
    const log = createAuditLog(path);
    const writes = Array.from({ length: 20 }, (_, i) =>
      log.append({
        event: "preview",
        tool: "preview_order",
        requestId: `r${i}`,
        principal: "research",
        mode: "paper",
        outcome: "ok",
      }),
    );
    await writes[0];
    const afterFirst = (await readFile(path, "utf8")).split("\n").filter(Boolean);
    assert.ok(afterFirst.length >= 1);
    await Promise.all(writes);
    const lines = (await readFile(path, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.requestId),
      writes.map((_, i) => `r${i}`),
    );
    assert.ok(lines.every((l) => typeof l.time === "string" && !Number.isNaN(Date.parse(l.time))));
  });

  it("fails with a non-retryable READ_ONLY error naming the path and the reason when it cannot write", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ibmcp-audit-"));
    dirs.push(dir);
    for (const [path, reason] of [
      ["/nonexistent-dir-ibmcp/audit.jsonl", "ENOENT"],
      [dir, "EISDIR"],
    ] as const) {
      const log = createAuditLog(path);
      await assert.rejects(
        log.append({
          event: "place",
          tool: "place_order",
          requestId: "x",
          principal: "trader",
          mode: "paper",
          outcome: "ok",
        }),
        (err: unknown) =>
          err instanceof IbMcpError &&
          err.code === "READ_ONLY" &&
          !err.retryable &&
          err.message.includes(path) &&
          err.message.includes(reason),
      );
    }
  });
});
