import type { SimCore, SimOrder } from "../core.ts";
import { marksAt } from "../market/marks.ts";
import { accountValues, round2 } from "../universe/accounts.ts";
import type { Instrument } from "../universe/instrument.ts";
import { commissionFor } from "./order-engine.ts";

/** IB's what-if answer: margins before, change and after, equity with loan, and the commission range. */
export interface WhatIfState {
  initMarginBefore: number;
  maintMarginBefore: number;
  equityWithLoanBefore: number;
  initMarginChange: number;
  maintMarginChange: number;
  equityWithLoanChange: number;
  initMarginAfter: number;
  maintMarginAfter: number;
  equityWithLoanAfter: number;
  commission: number;
  minCommission: number;
  maxCommission: number;
  commissionCurrency: string;
  warningText: string;
}

/** Margin the simulator charges per unit of notional, as its account summary does (25%; futures a flat 15,000). */
function marginOf(i: Instrument, qty: number, notional: number): number {
  return i.secType === "FUT" ? 15_000 * Math.ceil(qty) : Math.abs(notional) * 0.25;
}

/** What the order would do to the account if it filled now, without placing it. */
export function whatIfState(core: SimCore, o: SimOrder, i: Instrument): WhatIfState {
  const acct = core.account(o.account)!;
  const now = core.market.now();
  const values = accountValues(acct.cash, [...acct.positions.values()], marksAt(core.market, now));
  const tag = (t: string) => Number(values.find((v) => v.tag === t)?.value ?? 0);
  const q = core.market.quote(i, now);
  const price =
    o.orderType.includes("LMT") && o.lmtPrice > 0 ? o.lmtPrice : o.action === "BUY" ? q.ask : q.bid;
  const mult = i.multiplier ? Number(i.multiplier) : 1;
  const notional = o.quantity * price * mult;
  const commission = commissionFor(i, o.quantity, price);
  const initBefore = tag("InitMarginReq");
  const maintBefore = tag("MaintMarginReq");
  const equityBefore = tag("EquityWithLoanValue");
  const initChange = round2(marginOf(i, o.quantity, notional));
  const maintChange = round2(initChange * 0.8);
  const equityChange = round2(-commission);
  const available = equityBefore + equityChange - (initBefore + initChange);
  return {
    initMarginBefore: initBefore,
    maintMarginBefore: maintBefore,
    equityWithLoanBefore: equityBefore,
    initMarginChange: initChange,
    maintMarginChange: maintChange,
    equityWithLoanChange: equityChange,
    initMarginAfter: round2(initBefore + initChange),
    maintMarginAfter: round2(maintBefore + maintChange),
    equityWithLoanAfter: round2(equityBefore + equityChange),
    commission,
    minCommission: commission,
    maxCommission: commission,
    commissionCurrency: "USD",
    warningText: available < 0 ? "Insufficient equity: the order would exceed available funds" : "",
  };
}
