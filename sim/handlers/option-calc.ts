import type { HandlerFn, SimConnection } from "../connection.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { impliedVolAt, type OptionComputation, priceAtVol, VOL_BOUNDS } from "../universe/option-calc.ts";
import { resolveContract } from "./resolve-contract.ts";

/** IB's tick type of a calculator's answer (CUST_OPTION_COMPUTATION). */
export const CUST_OPTION_COMPUTATION = 53;

/** IB's "Error validating request" (321), with the cause IB names. */
const invalid = (conn: SimConnection, reqId: number, what: string, cause: string) =>
  conn.error(reqId, 321, `Error validating request.-'${what}' : cause - ${cause}`);

/** The option a calculation names, read with its two numbers; undefined (after IB's error) when unusable. */
function readCalculation(conn: SimConnection, r: Parameters<HandlerFn>[1], what: string) {
  r.int(); // version
  const reqId = r.int();
  const q = readContract(r);
  const value = r.num();
  const under = r.num();
  r.str(); // options, reserved by IB
  const i = resolveContract(conn, reqId, q);
  if (!i) return undefined;
  if (i.secType !== "OPT" || (i.right !== "C" && i.right !== "P")) {
    invalid(conn, reqId, what, `${i.symbol} is a ${i.secType}, not an option`);
    return undefined;
  }
  if (!(under > 0)) {
    invalid(conn, reqId, what, `Invalid underlying price ${under}`);
    return undefined;
  }
  return { reqId, i, value, under };
}

function send(conn: SimConnection, reqId: number, c: OptionComputation): void {
  conn.send(
    ServerMsg.tickOptionComputation,
    reqId,
    CUST_OPTION_COMPUTATION,
    0,
    c.impliedVol,
    c.delta,
    c.optPrice,
    0, // pvDividend: the model pays no dividends
    c.gamma,
    c.vega,
    c.theta,
    c.undPrice,
  );
}

const now = (conn: SimConnection) => conn.core.market.now();

/** calculateOptionPrice: one tickOptionComputation at the given volatility; 321 for a volatility IB refuses. */
export const reqCalcOptionPrice: HandlerFn = (conn, r) => {
  const calc = readCalculation(conn, r, "calculateOptionPrice");
  if (!calc) return;
  const { reqId, i, value: vol, under } = calc;
  if (!(vol >= VOL_BOUNDS.min && vol <= VOL_BOUNDS.max))
    return invalid(conn, reqId, "calculateOptionPrice", `Invalid volatility ${vol}`);
  send(conn, reqId, priceAtVol(i, now(conn), vol, under));
};

/** calculateImpliedVolatility: one tickOptionComputation; 321 for a price no volatility explains. */
export const reqCalcImpliedVolat: HandlerFn = (conn, r) => {
  const calc = readCalculation(conn, r, "calculateImpliedVolatility");
  if (!calc) return;
  const { reqId, i, value: price, under } = calc;
  const c = price > 0 ? impliedVolAt(i, now(conn), price, under) : undefined;
  if (!c)
    return invalid(
      conn,
      reqId,
      "calculateImpliedVolatility",
      `Option price ${price} is outside the range any volatility gives at underlying price ${under}`,
    );
  send(conn, reqId, c);
};

/** The cancels: a calculation answers once, so nothing is left to stop. */
export const cancelCalculation: HandlerFn = (_conn, r) => {
  r.int(); // version
  r.int(); // reqId
};
