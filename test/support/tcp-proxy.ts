import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

/**
 * A loopback TCP proxy to `targetPort` that can cut the network the way a partition does: while cut, bytes
 * stop flowing both ways (no FIN, no RST: a blackhole), and new connections are held open without being
 * forwarded. heal() drops every connection, so both ends notice and reconnect.
 */
export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket | undefined]>();
  let isCut = false;
  const server: Server = createServer((client) => {
    client.on("error", () => undefined);
    if (isCut) {
      client.pause();
      pairs.add([client, undefined]);
      return;
    }
    const upstream = tcpConnect(targetPort, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on("close", () => {
      upstream.destroy();
      pairs.delete(pair);
    });
    upstream.on("close", () => {
      client.destroy();
      pairs.delete(pair);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    cut() {
      isCut = true;
      for (const [a, b] of pairs) {
        a.unpipe();
        b?.unpipe();
        a.pause();
        b?.pause();
      }
    },
    heal() {
      isCut = false;
      for (const [a, b] of pairs) {
        a.destroy();
        b?.destroy();
      }
      pairs.clear();
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
