import type { IBApi, IBApiNext } from "@stoqey/ib";
import type { SimOptions } from "../options.ts";
import { type Simulator, startSimulator } from "../server.ts";
import { collectCodes, connectApi, connectNext } from "./clients.ts";

/** A simulator with an IBApiNext (clientId 1) and an IBApi (clientId 2) connected to it. */
export interface SimSession {
  sim: Simulator;
  next: IBApiNext;
  api: IBApi;
  /** Decoder complaints seen by either client (underrun, leftover fields): should stay empty. */
  decodeProblems(): string[];
  close(): Promise<void>;
}

/** Starts a simulator and connects both client flavours to it. */
export async function openSession(opts: SimOptions = {}): Promise<SimSession> {
  const sim = await startSimulator(opts);
  const next = await connectNext(sim, 1);
  const api = await connectApi(sim, 2);
  const apiCodes = collectCodes(api);
  const nextErrors: string[] = [];
  next.errorSubject.subscribe((e) => nextErrors.push(`${e.code} ${e.error.message}`));
  return {
    sim,
    next,
    api,
    decodeProblems: () =>
      [...apiCodes.map((c) => `${c.code} ${c.message}`), ...nextErrors].filter((m) =>
        /Underrun|Decoding error|unprocessed/i.test(m),
      ),
    async close() {
      next.disconnect();
      api.disconnect();
      await sim.close();
    },
  };
}
