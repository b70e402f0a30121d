import { type Socket, connect as tcpConnect } from "node:net";
import {
  ConnectionState,
  type Contract,
  EventName,
  IBApi,
  IBApiNext,
  OrderAction,
  OrderType,
  SecType,
} from "@stoqey/ib";
import { filter, firstValueFrom, timeout } from "rxjs";
import type { Simulator } from "../server.ts";
import { findInstrument } from "../universe/instruments.ts";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** An IBApiNext connected to the simulator (resolves once connected, within `ms`). */
export async function connectNext(sim: Simulator, clientId: number, ms = 5000): Promise<IBApiNext> {
  const api = new IBApiNext({ host: "127.0.0.1", port: sim.port, logger: quiet });
  const connected = firstValueFrom(
    api.connectionState.pipe(
      filter((s) => s === ConnectionState.Connected),
      timeout(ms),
    ),
  );
  api.connect(clientId);
  await connected;
  return api;
}

/** An IBApi connected to the simulator (resolves on nextValidId, within `ms`). */
export async function connectApi(
  sim: Simulator,
  clientId: number,
  ms = 5000,
  maxReqPerSec?: number,
): Promise<IBApi> {
  const api = new IBApi({ host: "127.0.0.1", port: sim.port, ...(maxReqPerSec ? { maxReqPerSec } : {}) });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no nextValidId within ${ms} ms`)), ms);
    api.once(EventName.nextValidId, () => {
      clearTimeout(t);
      resolve();
    });
    api.connect(clientId);
  });
  return api;
}

/** Resolves with the args of the first `event` matching `pred`, or rejects after `ms`. */
export function waitFor<T extends unknown[]>(
  api: IBApi,
  event: EventName,
  pred: (...args: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  // IBApi types each event's listener separately; a plain emitter view takes any event name
  const emitter = api as unknown as NodeJS.EventEmitter;
  return new Promise((resolve, reject) => {
    const handler = (...args: unknown[]) => {
      if (!pred(...(args as T))) return;
      clearTimeout(t);
      emitter.off(event, handler);
      resolve(args as T);
    };
    const t = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    emitter.on(event, handler);
  });
}

/** Collects every error/info code the API reports. */
export function collectCodes(api: IBApi): Array<{ code: number; reqId: number; message: string }> {
  const out: Array<{ code: number; reqId: number; message: string }> = [];
  api.on(EventName.error, (err: Error, code: number, reqId: number) =>
    out.push({ code, reqId, message: err.message }),
  );
  api.on(EventName.info, (message: string, code: number) => out.push({ code, reqId: -1, message }));
  return out;
}

/** A raw TCP socket to the simulator, connected. */
export function rawSocket(sim: Simulator, ms = 3000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(sim.port, "127.0.0.1");
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error("raw connect timed out"));
    }, ms);
    s.once("connect", () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

/** Resolves when the socket closes, or rejects after `ms`. */
export function closed(s: Socket, ms = 3000): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    s.once("close", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Polls `pred` every 10 ms until true, or rejects after `ms`. */
export async function until(pred: () => boolean, ms = 3000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ibm = findInstrument("IBM", "STK")!;
/** IBM on SMART: the contract the resting-order helpers use. */
export const IBM: Contract = {
  conId: ibm.conId,
  symbol: "IBM",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};

/** Places a 1-share IBM buy at half the market as order `id` (it rests) and resolves once IB says Submitted. */
export async function restBuy(api: IBApi, id: number): Promise<void> {
  const working = waitFor(
    api,
    EventName.orderStatus,
    (o: number, st: string) => o === id && st === "Submitted",
  );
  api.placeOrder(id, IBM, {
    action: OrderAction.BUY,
    orderType: OrderType.LMT,
    totalQuantity: 1,
    lmtPrice: Math.round(ibm.price * 0.5 * 100) / 100,
    transmit: true,
  });
  await working;
}
