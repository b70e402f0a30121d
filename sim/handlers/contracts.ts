import type { HandlerFn, SimConnection } from "../connection.ts";
import { readContract } from "../protocol/field-reader.ts";
import { MinVer, ServerMsg } from "../protocol/msg-ids.ts";
import type { Instrument } from "../universe/instrument.ts";
import { matchContracts, matchSymbols, optionChainParams } from "../universe/instruments.ts";
import { hoursString } from "../universe/sessions.ts";
import { NO_SECURITY } from "./resolve-contract.ts";

/** Encodes one CONTRACT_DATA message for the connection's server version. */
export function sendContractData(conn: SimConnection, reqId: number, i: Instrument, exchange: string): void {
  const v = conn.serverVersion;
  const expiry = i.lastTradeDateOrContractMonth;
  // trading hours follow the simulated clock (a replay's day, not the wall clock's)
  const now = conn.core.market.now();
  const f: Array<string | number> = [ServerMsg.contractData, reqId, i.symbol, i.secType, expiry];
  if (v >= MinVer.LAST_TRADE_DATE) f.push(expiry);
  f.push(
    i.strike,
    i.right,
    exchange,
    i.currency,
    i.localSymbol,
    i.marketName,
    i.tradingClass,
    i.conId,
    i.minTick,
    i.multiplier,
    i.orderTypes,
    i.validExchanges,
    1, // priceMagnifier
    i.underConId,
    i.longName,
    i.primaryExchange,
    i.contractMonth ?? expiry.slice(0, 6),
    i.industry,
    i.category,
    i.subcategory,
    i.timeZoneId,
    hoursString(now, i.session, i.timeZoneId, false),
    hoursString(now, i.session, i.timeZoneId, true),
    "", // evRule
    "", // evMultiplier
    0, // secIdList count
    1, // aggGroup
    i.underSymbol,
    i.underSecType,
    i.marketRuleIds,
    expiry, // realExpirationDate
    i.stockType,
    i.secType === "CASH" ? 1 : 0.0001, // minSize
    i.secType === "CASH" ? 1 : 0.0001, // sizeIncrement
    i.secType === "CASH" ? 1 : 100, // suggestedSizeIncrement
  );
  if (v >= MinVer.INELIGIBILITY_REASONS) f.push(0);
  conn.send(...f);
}

/** Encodes BOND_CONTRACT_DATA, which IB sends instead of CONTRACT_DATA for bonds. */
export function sendBondContractData(
  conn: SimConnection,
  reqId: number,
  i: Instrument,
  exchange: string,
): void {
  const now = conn.core.market.now();
  const coupon = Number(/\s(\d+(?:\.\d+)?)\s/.exec(i.localSymbol)?.[1] ?? 0);
  const f: Array<string | number> = [ServerMsg.bondContractData, reqId, i.symbol, "BOND", i.symbol, coupon];
  f.push(i.lastTradeDateOrContractMonth, "20130503", "AA+", "FIXED", "FIXED", 0, 1, 0, "");
  f.push(
    exchange,
    i.currency,
    i.marketName,
    i.tradingClass,
    i.conId,
    i.minTick,
    i.orderTypes,
    i.validExchanges,
  );
  f.push("", "", 0, "", i.longName);
  if (conn.serverVersion >= MinVer.BOND_TRADING_HOURS) {
    f.push(
      i.timeZoneId,
      hoursString(now, i.session, i.timeZoneId, false),
      hoursString(now, i.session, i.timeZoneId, true),
    );
  }
  f.push("", "", 1, "CUSIP", i.symbol, 1, i.marketRuleIds, 1000, 1000, 1000);
  conn.send(...f);
}

/** reqContractDetails: every matching instrument, then contractDetailsEnd; 200 when nothing matches. */
export const reqContractDetails: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  const q = readContract(r);
  if (r.more) r.str(); // includeExpired
  const secIdType = r.more ? r.str() : "";
  const hits = matchContracts({ ...q, secIdType, secId: r.more ? r.str() : "" });
  if (hits.length === 0) {
    conn.error(reqId, 200, NO_SECURITY);
    return;
  }
  for (const i of hits) {
    const exchange = q.exchange.toUpperCase() || i.exchange;
    if (i.secType === "BOND") sendBondContractData(conn, reqId, i, exchange);
    else sendContractData(conn, reqId, i, exchange);
  }
  conn.send(ServerMsg.contractDataEnd, 1, reqId);
};

/** reqMatchingSymbols: up to 16 descriptions (an empty list when nothing matches, as IB does). */
export const reqMatchingSymbols: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const pattern = r.str();
  const hits = matchSymbols(pattern);
  const f: Array<string | number> = [ServerMsg.symbolSamples, reqId, hits.length];
  for (const i of hits) {
    f.push(i.conId, i.symbol, i.secType, i.primaryExchange || i.exchange, i.currency);
    f.push(i.derivativeSecTypes.length, ...i.derivativeSecTypes);
    f.push(i.longName, "");
  }
  conn.send(...f);
};

/** reqSecDefOptParams: one row per exchange for known chains, then the end marker. */
export const reqSecDefOptParams: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const symbol = r.str();
  r.str(); // futFopExchange
  r.str(); // underlying secType
  const conId = r.int();
  for (const row of optionChainParams(symbol, conId)) {
    conn.send(
      ServerMsg.secDefOptParam,
      reqId,
      row.exchange,
      row.underlyingConId,
      row.tradingClass,
      row.multiplier,
      row.expirations.length,
      ...row.expirations,
      row.strikes.length,
      ...row.strikes,
    );
  }
  conn.send(ServerMsg.secDefOptParamEnd, reqId);
};
