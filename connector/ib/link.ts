import { ErrorCode, EventName, type IBApi, IBApiNext } from "@stoqey/ib";
import type { Logger } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import {
  connectionLostCodes,
  describeClientIdInUse,
  describeConnectFailure,
  IB_RETRY_AFTER_MS,
} from "./ib-errors.ts";
import { guardApi, installWireTripwire } from "./wire-guarded-api.ts";

export interface LinkOptions {
  host: string;
  port: number;
  clientId: number;
  connectTimeoutMs: number;
  maxReqPerSec: number;
  logger: Logger;
}

/** One IB API session that finished its handshake. Dropped as a whole on loss: a new one is opened. */
export interface IbLink {
  next: IBApiNext;
  /** The IBApi under IBApiNext, for the requests IBApiNext lacks (news) and for cancels by reqId. */
  raw: IBApi;
  accounts: string[];
  serverVersion: number;
  /** The API clientId of this session. */
  clientId: number;
  /** Resolves with a readable reason once the session is gone (socket closed, 1100/2110, 502/504). */
  lost: Promise<string>;
  /** Subscribes to IB's notices without reqId (1101, 1102, 21xx farm messages). */
  onNotice(listener: (code: number, text: string) => void): void;
  /** Closes the socket; `lost` resolves. */
  close(): void;
}

// IBApiNext keeps its IBApi private; we need it for reqHistoricalNews/reqNewsArticle and cancels by reqId
function rawApiOf(next: IBApiNext): IBApi {
  return (next as unknown as { api: IBApi }).api;
}

function libraryLogger(logger: Logger) {
  const log = (tag: string, ...args: unknown[]) => logger.debug({ tag }, args.map(String).join(" "));
  return { info: log, warn: log, error: log, debug: log };
}

/** Why a connection attempt ran out of time: no socket at all, or a socket that never did the API handshake. */
function timeoutReason(socketOpen: boolean, ms: number): string {
  return socketOpen
    ? `the port accepted the connection but no API handshake came within ${ms} ms (is it IB Gateway/TWS, logged in, with the API enabled?)`
    : `no connection within ${ms} ms`;
}

/**
 * Opens an IB API session and waits until it is ready: TWS handshake done, nextValidId and managed accounts
 * received. Rejects with CLIENT_ID_IN_USE on 326, else IB_UNAVAILABLE naming host:port and the cause.
 */
export function openLink(opts: LinkOptions): Promise<IbLink> {
  const { host, port, clientId, connectTimeoutMs } = opts;
  const next = new IBApiNext({
    host,
    port,
    maxReqPerSec: opts.maxReqPerSec,
    reconnectInterval: 0,
    logger: libraryLogger(opts.logger),
  });
  const raw = rawApiOf(next);
  const notices = new Set<(code: number, text: string) => void>();
  let markLost: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => {
    markLost = resolve;
  });
  let settled = false;
  installWireTripwire(raw, (reason) => {
    opts.logger.error({ host, port, clientId }, `${reason}; closing the IB session`);
    next.disconnect();
    markLost(reason);
  });

  return new Promise<IbLink>((resolve, reject) => {
    let accounts: string[] | undefined;
    let validId = false;
    const unavailable = (reason: string) =>
      new IbMcpError("IB_UNAVAILABLE", describeConnectFailure(host, port, reason), {
        retryAfterMs: IB_RETRY_AFTER_MS,
      });
    const fail = (err: IbMcpError) => {
      if (settled) return;
      settled = true; // later events only mark the link lost
      clearTimeout(timer);
      next.disconnect();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(unavailable(timeoutReason(raw.isConnected, connectTimeoutMs))),
      connectTimeoutMs,
    );
    const check = () => {
      if (settled || accounts === undefined || !validId) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        // every string the connector hands to @stoqey/ib is checked here, before anything is scheduled
        next: guardApi(next),
        raw: guardApi(raw),
        accounts,
        serverVersion: raw.serverVersion,
        clientId,
        lost,
        onNotice: (l) => notices.add(l),
        close: () => {
          next.disconnect();
          markLost("closed by the connector");
        },
      });
    };
    const onCode = (code: number, text: string, reqId: number) => {
      if (code === 326) {
        fail(new IbMcpError("CLIENT_ID_IN_USE", describeClientIdInUse(clientId)));
        markLost(describeClientIdInUse(clientId));
        return;
      }
      if (reqId === ErrorCode.NO_VALID_ID && connectionLostCodes.has(code)) {
        fail(unavailable(text));
        markLost(`IB ${code}: ${text}`);
        return;
      }
      if (reqId === ErrorCode.NO_VALID_ID) for (const l of notices) l(code, text);
    };
    raw.on(EventName.error, (err: Error, code: number, reqId: number) => onCode(code, err.message, reqId));
    raw.on(EventName.info, (text: string, code: number) => onCode(code, text, ErrorCode.NO_VALID_ID));
    raw.on(EventName.disconnected, () => {
      fail(unavailable("the connection closed during the API handshake"));
      markLost("the IB socket closed");
    });
    raw.on(EventName.managedAccounts, (list: string) => {
      accounts = list
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean);
      check();
    });
    raw.on(EventName.nextValidId, () => {
      validId = true;
      check();
    });
    opts.logger.debug({ host, port, clientId }, "opening IB API session");
    next.connect(clientId);
  });
}
