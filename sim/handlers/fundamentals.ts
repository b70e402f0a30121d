import type { HandlerFn } from "../connection.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { fundamentalXml, REPORT_TYPES } from "../universe/fundamentals.ts";
import { resolveContract } from "./resolve-contract.ts";

/** reqFundamentalData: XML for stocks; 200 for unknown contracts, 430 for no data or an unknown report type. */
export const reqFundamentalData: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  const conId = r.int();
  const symbol = r.str();
  const secType = r.str();
  const exchange = r.str();
  r.str(); // primaryExch
  const currency = r.str();
  const localSymbol = r.str();
  const reportType = r.str();
  const instrument = resolveContract(conn, reqId, {
    conId,
    symbol,
    secType,
    exchange,
    currency,
    localSymbol,
  });
  if (!instrument) return;
  const xml = fundamentalXml(instrument, reportType);
  if (!xml) {
    const why = (REPORT_TYPES as readonly string[]).includes(reportType)
      ? `no fundamentals for ${instrument.symbol} ${instrument.secType}`
      : `unknown report type "${reportType}"; use one of ${REPORT_TYPES.join(", ")}`;
    return conn.error(
      reqId,
      430,
      `We are sorry, but fundamentals data for the security specified is not available (${why}).`,
    );
  }
  conn.send(ServerMsg.fundamentalData, 1, reqId, xml);
};

/** cancelFundamentalData: replies are immediate, so there is nothing left to cancel. */
export const cancelFundamentalData: HandlerFn = (_conn, r) => {
  r.int(); // version
  r.int(); // reqId
};
