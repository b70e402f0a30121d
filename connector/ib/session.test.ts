import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import type { IbLink, LinkOptions } from "./link.ts";
import { createIbSession, type SessionStatus } from "./session.ts";

interface FakeLink extends IbLink {
  drop(reason: string): void;
  notice(code: number, text: string): void;
}

function fakeLink(): FakeLink {
  let drop: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((r) => {
    drop = r;
  });
  const notices: Array<(code: number, text: string) => void> = [];
  return {
    next: {} as IbLink["next"],
    raw: {} as IbLink["raw"],
    accounts: ["DU1"],
    serverVersion: 176,
    clientId: 1,
    lost,
    onNotice: (l) => notices.push(l),
    close: () => drop("closed"),
    drop: (reason) => drop(reason),
    notice: (code, text) => {
      for (const l of notices) l(code, text);
    },
  };
}

const base = {
  host: "127.0.0.1",
  port: 4002,
  clientId: 9,
  connectTimeoutMs: 1_000,
  maxReqPerSec: 45,
  reconnectMaxMs: 40,
  reconnectBaseMs: 10,
  logger: pino({ level: "silent" }),
};

describe("createIbSession", () => {
  it("retries failed connects with backoff, then becomes ready with the link's accounts", async () => {
    let attempts = 0;
    const link = fakeLink();
    const session = createIbSession({
      ...base,
      open: async (_o: LinkOptions) => {
        attempts++;
        if (attempts < 3)
          throw new IbMcpError("IB_UNAVAILABLE", "cannot connect to IB at 127.0.0.1:4002: ECONNREFUSED");
        return link;
      },
    });
    assert.throws(
      () => session.link(),
      (e: IbMcpError) => e.code === "IB_UNAVAILABLE",
    );
    session.start();
    await session.waitReady(2_000);
    const s = session.status();
    assert.equal(attempts, 3);
    assert.equal(s.state, "ready");
    assert.deepEqual(s.accounts, ["DU1"]);
    assert.equal(s.serverVersion, 176);
    assert.match(s.lastError ?? "", /ECONNREFUSED/);
    assert.equal(session.link(), link);
    await session.close();
  });

  it("fails in-flight requests at once when the link drops, clears caches, and reconnects", async () => {
    const links = [fakeLink(), fakeLink()];
    let opened = 0;
    const session = createIbSession({ ...base, open: async () => links[opened++] ?? fakeLink() });
    let resyncs = 0;
    const states: SessionStatus["state"][] = [];
    session.onResync(() => resyncs++);
    session.onStateChange((s) => states.push(s.state));
    session.start();
    await session.waitReady(1_000);
    const pending = session.inFlight.run(new Promise(() => undefined));
    links[0]?.drop("the IB socket closed");
    await assert.rejects(
      pending,
      (e: IbMcpError) => e.code === "IB_UNAVAILABLE" && (e.retryAfterMs ?? 0) > 0,
    );
    const deadline = Date.now() + 1_000;
    while (opened < 2 || session.status().state !== "ready") {
      assert.ok(Date.now() < deadline, "reconnected in time");
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(states.includes("down"));
    assert.ok(resyncs >= 3, `resyncs ${resyncs}: on connect, on loss, on reconnect`);
    await session.close();
  });

  it("goes degraded on a broken data farm and back to ready when it recovers; 1101 re-syncs", async () => {
    const link = fakeLink();
    const session = createIbSession({ ...base, open: async () => link });
    let resyncs = 0;
    session.onResync(() => resyncs++);
    session.start();
    await session.waitReady(1_000);
    link.notice(2105, "HMDS data farm connection is broken:euhmds");
    assert.equal(session.status().state, "degraded");
    link.notice(2106, "HMDS data farm connection is OK:euhmds");
    assert.equal(session.status().state, "ready");
    const before = resyncs;
    link.notice(1101, "Connectivity between IB and TWS has been restored- data lost.");
    assert.equal(resyncs, before + 1);
    await session.close();
  });

  it("reports CLIENT_ID_IN_USE and keeps retrying slowly", async () => {
    let attempts = 0;
    const session = createIbSession({
      ...base,
      reconnectMaxMs: 300,
      open: async () => {
        attempts++;
        throw new IbMcpError("CLIENT_ID_IN_USE", "IB clientId 9 is already in use; set IB_CLIENT_ID");
      },
    });
    session.start();
    await new Promise((r) => setTimeout(r, 450));
    assert.ok(attempts >= 1 && attempts <= 3, `${attempts} attempts in 450 ms: no crash loop`);
    assert.equal(session.status().state, "down");
    assert.throws(
      () => session.link(),
      (e: IbMcpError) => e.code === "CLIENT_ID_IN_USE" && e.message.includes("9"),
    );
    await assert.rejects(session.waitReady(50), (e: IbMcpError) => e.code === "CLIENT_ID_IN_USE");
    await session.close();
  });
});
