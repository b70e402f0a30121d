import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { freePort } from "./free-port.ts";
import { spawnNatsServer } from "./nats-process.ts";

/** One nats-server process of a cluster (or a leaf node), restartable on the same ports and store. */
export interface NatsNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  running(): boolean;
  /** SIGKILL: no goodbye to routes or clients, as a lost host. */
  kill(): Promise<void>;
  /** Starts it again with the same config (ports, store): the node rejoins and catches up. */
  start(): Promise<void>;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's client URL, comma-separated, in node order (what NATS_URL takes). */
  urls(order?: number[]): string;
  /** Resolves once JetStream answers with a meta leader (deadline `timeoutMs`). */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  /** The name of the node that leads `stream` now (from $JS.API.STREAM.INFO), or undefined. */
  streamLeader(stream: string): Promise<string | undefined>;
  /** A leaf node: a nats-server of its own with a leafnode connection to every cluster node. */
  startLeaf(name: string): Promise<NatsNode>;
  stop(): Promise<void>;
}

function node(name: string, port: number, confPath: string): NatsNode {
  let proc: ChildProcess | undefined;
  const running = () => !!proc && proc.exitCode === null && proc.signalCode === null;
  return {
    name,
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return proc?.pid;
    },
    running,
    async start() {
      if (running()) return;
      proc = await spawnNatsServer(["-c", confPath], [port], `nats-server ${name}`);
    },
    async kill() {
      const p = proc;
      if (!p || !running()) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      });
    },
  };
}

/**
 * Three (or `size`) nats-server processes on loopback ephemeral ports, joined by routes, each with JetStream
 * in a store of its own and a leafnode listener; started from config files (nats-server 2.9 has no leafnode flag).
 */
export async function startNatsCluster(opts: { size?: number } = {}): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const dir = mkdtempSync(join(tmpdir(), "ib-mcp-cluster-"));
  const specs: Array<{ name: string; port: number; route: number; leaf: number }> = [];
  for (let i = 1; i <= size; i++)
    specs.push({ name: `n${i}`, port: await freePort(), route: await freePort(), leaf: await freePort() });
  const nodes: NatsNode[] = [];
  const leaves: NatsNode[] = [];
  for (const s of specs) {
    const routes = specs.filter((o) => o !== s).map((o) => `"nats://127.0.0.1:${o.route}"`);
    const conf = join(dir, `${s.name}.conf`);
    writeFileSync(
      conf,
      [
        `server_name: ${s.name}`,
        `listen: "127.0.0.1:${s.port}"`,
        `jetstream { store_dir: "${join(dir, s.name)}" }`,
        // no_advertise: clients use only the servers they were given (a test proxy in front of a node stays in the path)
        `cluster { name: ibmcp, listen: "127.0.0.1:${s.route}", no_advertise: true, routes: [${routes.join(", ")}] }`,
        // a client cut off by a partition is dropped within seconds, not the default 4 minutes
        `ping_interval: "1s"`,
        `ping_max: 3`,
        `leafnodes { listen: "127.0.0.1:${s.leaf}" }`,
      ].join("\n"),
    );
    nodes.push(node(s.name, s.port, conf));
  }

  const cluster: NatsCluster = {
    nodes,
    urls: (order) => (order ?? nodes.map((_, i) => i)).map((i) => nodes[i]!.url).join(","),
    async waitForJetStream(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let last: unknown;
      const nc = await connect({ servers: cluster.urls().split(","), maxReconnectAttempts: -1 });
      try {
        while (Date.now() < until) {
          try {
            const jsm = await jetstreamManager(nc, { timeout: 1_000 });
            await jsm.getAccountInfo();
            return;
          } catch (err) {
            last = err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await nc.close();
      }
      throw new Error(`JetStream had no meta leader within ${timeoutMs} ms: ${String(last)}`);
    },
    async streamLeader(stream) {
      // bounded as a whole: a connection made while nodes come and go must not stall the caller
      const live = nodes.filter((n) => n.running()).map((n) => n.url);
      let nc: Awaited<ReturnType<typeof connect>> | undefined;
      const ask = (async () => {
        nc = await connect({ servers: live, maxReconnectAttempts: 1, timeout: 2_000 });
        const jsm = await jetstreamManager(nc, { timeout: 2_000 });
        return (await jsm.streams.info(stream)).cluster?.leader;
      })().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), 6_000);
      });
      try {
        return await Promise.race([ask, late]);
      } finally {
        clearTimeout(timer);
        void ask.finally(() => nc?.close().catch(() => undefined));
      }
    },
    async startLeaf(name) {
      const port = await freePort();
      const conf = join(dir, `${name}.conf`);
      const remotes = specs.map((s) => `"nats-leaf://127.0.0.1:${s.leaf}"`).join(", ");
      writeFileSync(
        conf,
        [
          `server_name: ${name}`,
          `listen: "127.0.0.1:${port}"`,
          // in list order: the leaf attaches to n1 first, so a test knows which node to kill under it
          `leafnodes { reconnect: 1, remotes: [ { urls: [${remotes}], dont_randomize: true } ] }`,
        ].join("\n"),
      );
      const leaf = node(name, port, conf);
      leaves.push(leaf);
      await leaf.start();
      return leaf;
    },
    async stop() {
      for (const n of [...leaves, ...nodes]) await n.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.waitForJetStream();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
