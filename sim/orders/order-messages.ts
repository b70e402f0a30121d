import type { SimConnection } from "../connection.ts";
import type { SimExecution, SimOrder } from "../core.ts";
import { contractFields } from "../protocol/contract-fields.ts";
import type { Field } from "../protocol/field-writer.ts";
import { MinVer, ServerMsg } from "../protocol/msg-ids.ts";
import type { Instrument } from "../universe/instrument.ts";
import { formatLocal } from "../universe/time-zone.ts";
import { bagContractFields, comboLegFields } from "./combo.ts";
import type { WhatIfState } from "./what-if.ts";

/** IB's "unset double" on the wire. */
const UNSET_DOUBLE = "1.7976931348623157E308";

/** OPEN_ORDER for a non-combo order without conditions, laid out for the connection's server version; a what-if carries its margin and commission preview. */
export function sendOpenOrder(conn: SimConnection, o: SimOrder, i: Instrument, whatIf?: WhatIfState): void {
  const v = conn.serverVersion;
  const f: Field[] = [
    ServerMsg.openOrder,
    o.orderId,
    ...(o.combo ? bagContractFields(o.combo) : contractFields(i)),
  ];
  f.push(
    o.action,
    o.quantity,
    o.orderType,
    o.orderType.includes("LMT") ? o.lmtPrice : "",
    o.auxPrice || "",
    o.tif,
    o.ocaGroup ?? "",
    o.account,
    "",
    0,
    o.orderRef,
  );
  f.push(o.clientId, o.permId, o.outsideRth ? 1 : 0, 0, 0, ""); // clientId, permId, outsideRth, hidden, discretionaryAmt, goodAfterTime
  f.push(""); // sharesAllocation
  f.push("", "", ""); // faGroup, faMethod, faPercentage
  if (v < MinVer.FA_PROFILE_DESUPPORT) f.push(""); // faProfile
  f.push(""); // modelCode
  f.push("", "", "", ""); // goodTillDate, rule80A, percentOffset, settlingFirm
  f.push(0, "", -1); // shortSaleSlot, designatedLocation, exemptCode
  f.push(0); // auctionStrategy
  f.push("", "", ""); // startingPrice, stockRefPrice, delta
  f.push("", ""); // stockRangeLower, stockRangeUpper
  f.push("", 0, 0, 0, "", o.ocaType ?? 0, 0, 0, ""); // displaySize, blockOrder, sweepToFill, allOrNone, minQty, ocaType, eTradeOnly, firmQuoteOnly, nbboPriceCap
  f.push(o.parentId, 0); // parentId, triggerMethod
  f.push("", 0, "", "", 0, 0); // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice, continuousUpdate, referencePriceType
  f.push(o.trailStopPrice ?? "", o.trailingPercent ?? ""); // trailStopPrice, trailingPercent
  f.push("", ""); // basisPoints, basisPointsType
  f.push(...comboLegFields(o)); // comboLegsDescription, comboLegs, orderComboLegs
  f.push(0); // smartComboRoutingParams
  f.push("", "", ""); // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
  f.push(""); // hedgeType
  f.push(0); // optOutSmartRouting
  f.push("", ""); // clearingAccount, clearingIntent
  f.push(0); // notHeld
  f.push(0); // deltaNeutral contract
  f.push(...algoFields(o)); // algoStrategy, then its params
  f.push(0); // solicited
  if (whatIf) f.push(1, "PreSubmitted", ...whatIfFields(whatIf));
  else f.push(0, o.status, "", "", "", "", "", "", "", "", "", "", "", "", "", ""); // margins x9, commission x3, currency, warning
  f.push(0, 0); // randomizeSize, randomizePrice
  f.push(0); // conditions
  // adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset, adjusted stop/limit/trailing, trailing unit
  f.push("", "", o.trailStopPrice ?? "", o.lmtPriceOffset ?? "", "", "", "", 0);
  f.push("", "", ""); // softDollarTier
  f.push(""); // cashQty
  f.push(0, 0, 0, 0); // dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice, usePriceMgmtAlgo
  f.push("", "", 0); // duration, postToAts, autoCancelParent
  f.push("", "", "", "", ""); // pegBest/pegMid offsets
  if (v >= MinVer.CUSTOMER_ACCOUNT) f.push(""); // customerAccount
  if (v >= MinVer.PROFESSIONAL_CUSTOMER) f.push(0); // professionalCustomer
  if (v >= MinVer.BOND_ACCRUED_INTEREST) f.push(""); // bondAccruedInterest
  if (v >= MinVer.INCLUDE_OVERNIGHT) f.push(0); // includeOvernight
  if (v >= MinVer.CME_TAGGING_FIELDS_IN_OPEN_ORDER) f.push("", ""); // extOperator, manualOrderIndicator
  conn.send(...f);
}

function algoFields(o: SimOrder): Field[] {
  if (!o.algoStrategy) return [""];
  const params = o.algoParams ?? [];
  return [o.algoStrategy, params.length, ...params.flatMap((t) => [t.tag, t.value])];
}

/** The orderState preview fields in the decoder's order: before, change, after, then commission. */
function whatIfFields(w: WhatIfState): Field[] {
  return [
    w.initMarginBefore,
    w.maintMarginBefore,
    w.equityWithLoanBefore,
    w.initMarginChange,
    w.maintMarginChange,
    w.equityWithLoanChange,
    w.initMarginAfter,
    w.maintMarginAfter,
    w.equityWithLoanAfter,
    w.commission,
    w.minCommission,
    w.maxCommission,
    w.commissionCurrency,
    w.warningText,
  ];
}

/** ORDER_STATUS (no version field at the versions the simulator speaks). */
export function sendOrderStatus(conn: SimConnection, o: SimOrder, lastFillPrice = 0): void {
  conn.send(
    ServerMsg.orderStatus,
    o.orderId,
    o.status,
    o.filled,
    o.quantity - o.filled,
    o.avgFillPrice,
    o.permId,
    o.parentId,
    lastFillPrice,
    o.clientId,
    "",
    0,
  );
}

/** EXECUTION_DATA for one fill. */
export function sendExecution(conn: SimConnection, reqId: number, e: SimExecution, i: Instrument): void {
  conn.send(
    ServerMsg.executionData,
    reqId,
    e.orderId,
    ...contractFields(i),
    e.execId,
    `${formatLocal(e.time, "US/Eastern")} US/Eastern`,
    e.account,
    i.exchange === "SMART" ? i.primaryExchange || "ISLAND" : i.exchange,
    e.side,
    e.shares,
    e.price,
    e.permId,
    e.clientId,
    0, // liquidation
    e.shares, // cumQty
    e.price, // avgPrice
    e.orderRef,
    "", // evRule
    "", // evMultiplier
    "", // modelCode
    1, // lastLiquidity: added liquidity
    ...(conn.serverVersion >= MinVer.PENDING_PRICE_REVISION ? [0] : []), // pendingPriceRevision
  );
}

/** COMMISSION_REPORT for one fill. */
export function sendCommission(conn: SimConnection, e: SimExecution, realized: number | undefined): void {
  conn.send(
    ServerMsg.commissionReport,
    1,
    e.execId,
    e.commission,
    "USD",
    realized ?? UNSET_DOUBLE,
    UNSET_DOUBLE,
    0,
  );
}
