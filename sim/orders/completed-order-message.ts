import type { SimConnection } from "../connection.ts";
import type { SimOrder } from "../core.ts";
import { contractFields } from "../protocol/contract-fields.ts";
import type { Field } from "../protocol/field-writer.ts";
import { MinVer, ServerMsg } from "../protocol/msg-ids.ts";
import type { Instrument } from "../universe/instrument.ts";
import { formatLocal } from "../universe/time-zone.ts";

/** What IB writes in completedStatus. */
function completedStatusOf(o: SimOrder): string {
  return o.status === "Filled" ? "Filled" : "Cancelled by Trader";
}

/**
 * COMPLETED_ORDER for a simple order (no combo, algo or conditions). Unlike OPEN_ORDER it carries no orderId or
 * clientId, and fewer order fields: the layout of the TWS API's EDecoder.processCompletedOrderMsg.
 */
export function sendCompletedOrder(conn: SimConnection, o: SimOrder, i: Instrument, parentPermId = 0): void {
  const v = conn.serverVersion;
  const f: Field[] = [ServerMsg.completedOrder, ...contractFields(i)];
  f.push(o.action, o.quantity, o.orderType, o.orderType.includes("LMT") ? o.lmtPrice : "", o.auxPrice || "");
  f.push(o.tif, "", o.account, "", 0, o.orderRef); // tif, ocaGroup, account, openClose, origin, orderRef
  f.push(o.permId, o.outsideRth ? 1 : 0, 0, 0, ""); // permId, outsideRth, hidden, discretionaryAmt, goodAfterTime
  f.push("", "", ""); // faGroup, faMethod, faPercentage
  f.push(""); // modelCode
  f.push("", "", "", ""); // goodTillDate, rule80A, percentOffset, settlingFirm
  f.push(0, "", -1); // shortSaleSlot, designatedLocation, exemptCode
  f.push("", "", ""); // startingPrice, stockRefPrice, delta
  f.push("", ""); // stockRangeLower, stockRangeUpper
  f.push("", 0, 0, "", 0); // displaySize, sweepToFill, allOrNone, minQty, ocaType
  f.push(0); // triggerMethod
  f.push("", 0, "", "", 0, 0); // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice, continuousUpdate, referencePriceType
  f.push("", ""); // trailStopPrice, trailingPercent
  f.push("", 0, 0); // comboLegsDescription, comboLegs, orderComboLegs
  f.push(0); // smartComboRoutingParams
  f.push("", "", ""); // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
  f.push(""); // hedgeType
  f.push("", ""); // clearingAccount, clearingIntent
  f.push(0); // notHeld
  f.push(0); // deltaNeutral contract
  f.push(""); // algoStrategy
  f.push(0); // solicited
  f.push(o.status);
  f.push(0, 0); // randomizeSize, randomizePrice
  f.push(0); // conditions
  f.push("", ""); // trailStopPrice, lmtPriceOffset
  f.push(""); // cashQty
  f.push(0, 0); // dontUseAutoPriceForHedge, isOmsContainer
  f.push("", o.filled, 0, 0); // autoCancelDate, filledQuantity, refFuturesConId, autoCancelParent
  f.push("", 0, 0, parentPermId || ""); // shareholder, imbalanceOnly, routeMarketableToBbo, parentPermId
  f.push(`${formatLocal(o.completedAt ?? Date.now(), "US/Eastern")} US/Eastern`, completedStatusOf(o));
  f.push("", "", "", "", ""); // pegBest/pegMid: minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsets
  if (v >= MinVer.CUSTOMER_ACCOUNT) f.push(""); // customerAccount
  if (v >= MinVer.PROFESSIONAL_CUSTOMER) f.push(0); // professionalCustomer
  conn.send(...f);
}
