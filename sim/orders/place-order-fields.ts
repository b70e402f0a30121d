import { z } from "zod";
import { type ContractQuery, type FieldReader, readContract } from "../protocol/field-reader.ts";
import { MinVer } from "../protocol/msg-ids.ts";

/** The placeOrder fields the simulator acts on; the rest are read past so the walk stays aligned. */
export const PlaceOrderFields = z.object({
  orderId: z.number().int(),
  action: z.string(),
  totalQuantity: z.number(),
  orderType: z.string(),
  /** 0 when the client sent none. */
  lmtPrice: z.number(),
  auxPrice: z.number(),
  tif: z.string(),
  ocaGroup: z.string(),
  /** 1 cancel the rest with block, 2 reduce with block, 3 reduce without; 0 when none. */
  ocaType: z.number().int(),
  /** Trailing stops: the initial stop (0 when IB should set it) and the trail as a percent (0 for an amount in auxPrice). */
  trailStopPrice: z.number(),
  trailingPercent: z.number(),
  /** TRAIL LIMIT: the limit lies this far beyond the stop. */
  lmtPriceOffset: z.number(),
  algoStrategy: z.string(),
  algoParams: z.array(z.object({ tag: z.string(), value: z.string() })),
  /** A BAG's legs as the client sent them. */
  comboLegs: z.array(
    z.object({ conId: z.number().int(), ratio: z.number().int(), action: z.string(), exchange: z.string() }),
  ),
  account: z.string(),
  orderRef: z.string(),
  transmit: z.boolean(),
  parentId: z.number().int(),
  outsideRth: z.boolean(),
  whatIf: z.boolean(),
});
export type PlaceOrderFields = z.infer<typeof PlaceOrderFields>;

/** Version gates of placeOrder that fall inside the simulator's range (176-193). */
const RFQ_FIELDS = 187;
const UNDO_RFQ_FIELDS = 190;

/** Fields each order condition type carries after type and conjunction (stoqey's OrderConditionType ids). */
const CONDITION_FIELDS: Record<number, number> = { 1: 5, 3: 2, 4: 2, 5: 3, 6: 4, 7: 4 };

/**
 * Reads one placeOrder message after its message id, field by field in the order @stoqey/ib's encoder
 * writes them at `serverVersion` (ORDER_CONTAINER and later: no version field).
 */
export function readPlaceOrder(
  r: FieldReader,
  serverVersion: number,
): { order: PlaceOrderFields; contract: ContractQuery } {
  const orderId = r.int();
  const contract = readContract(r);
  r.skip(2); // secIdType, secId
  const isBag = contract.secType.toUpperCase() === "BAG";
  const action = r.str().toUpperCase();
  const totalQuantity = r.num();
  const orderType = r.str().toUpperCase();
  const lmtPrice = r.num();
  const auxPrice = r.num();
  const tif = r.str();
  const ocaGroup = r.str();
  const account = r.str();
  r.skip(2); // openClose, origin
  const orderRef = r.str();
  // stoqey sends an unset transmit as an empty field; IB's own default is to transmit
  const transmitField = r.str();
  const transmit = transmitField !== "0";
  const parentId = r.int();
  r.skip(4); // blockOrder, sweepToFill, displaySize, triggerMethod
  const outsideRth = r.bool();
  r.skip(); // hidden
  const comboLegs: PlaceOrderFields["comboLegs"] = [];
  if (isBag) {
    for (let n = r.int(), k = 0; k < n; k++) {
      comboLegs.push({ conId: r.int(), ratio: r.int(), action: r.str().toUpperCase(), exchange: r.str() });
      r.skip(4); // openClose, shortSaleSlot, designatedLocation, exemptCode
    }
    r.skip(r.int()); // order combo leg prices
    r.skip(r.int() * 2); // smart combo routing params: tag, value
  }
  r.skip(4); // sharesAllocation, discretionaryAmt, goodAfterTime, goodTillDate
  r.skip(3); // faGroup, faMethod, faPercentage
  if (serverVersion < MinVer.FA_PROFILE_DESUPPORT) r.skip(); // faProfile
  r.skip(); // modelCode
  r.skip(3); // shortSaleSlot, designatedLocation, exemptCode
  const ocaType = r.int();
  // rule80A, settlingFirm, allOrNone, minQty, percentOffset, eTradeOnly, firmQuoteOnly,
  // nbboPriceCap, auctionStrategy, startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
  r.skip(14);
  r.skip(); // overridePercentageConstraints
  r.skip(2); // volatility, volatilityType
  const deltaNeutralOrderType = r.str();
  r.skip(); // deltaNeutralAuxPrice
  if (deltaNeutralOrderType) r.skip(8); // conId, settlingFirm, clearing x2, openClose, shortSale, slot, location
  r.skip(2); // continuousUpdate, referencePriceType
  const trailStopPrice = r.num();
  const trailingPercent = r.num();
  r.skip(2); // scaleInitLevelSize, scaleSubsLevelSize
  // stoqey writes the scale extras whenever scalePriceIncrement is set, which shows as a non-empty field
  if (r.str() !== "") r.skip(7);
  r.skip(3); // scaleTable, activeStartTime, activeStopTime
  if (r.str() !== "") r.skip(); // hedgeType, then hedgeParam
  r.skip(3); // optOutSmartRouting, clearingAccount, clearingIntent
  r.skip(); // notHeld
  if (r.bool()) r.skip(3); // deltaNeutralContract: conId, delta, price
  const algoStrategy = r.str();
  const algoParams: Array<{ tag: string; value: string }> = [];
  if (algoStrategy !== "")
    for (let n = r.int(), k = 0; k < n; k++) algoParams.push({ tag: r.str(), value: r.str() });
  r.skip(); // algoId
  const whatIf = r.bool();
  r.skip(2); // orderMiscOptions, solicited
  r.skip(2); // randomizeSize, randomizePrice
  if (orderType === "PEG BENCH" || orderType === "PEGBENCH") r.skip(5);
  const conditions = r.int();
  for (let k = 0; k < conditions; k++) {
    const type = r.int();
    r.skip(); // conjunction
    r.skip(CONDITION_FIELDS[type] ?? 0);
  }
  if (conditions > 0) r.skip(2); // conditionsIgnoreRth, conditionsCancelOrder
  r.skip(2); // adjustedOrderType, triggerPrice
  const lmtPriceOffset = r.num();
  r.skip(4); // adjusted stop/limit/trailing, trailing unit
  r.skip(); // extOperator
  r.skip(2); // softDollarTier name, value
  r.skip(); // cashQty
  r.skip(4); // mifid2 decision maker/algo, execution trader/algo
  r.skip(4); // dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice, usePriceMgmtAlgo
  r.skip(3); // duration, postToAts, autoCancelParent
  r.skip(2); // advancedErrorOverride, manualOrderTime
  if (contract.exchange.toUpperCase() === "IBKRATS") r.skip(); // minTradeQty
  let midOffsets = orderType === "PEG MID" || orderType === "PEGMID";
  if (orderType === "PEG BEST" || orderType === "PEGBEST") {
    r.skip(); // minCompeteSize
    midOffsets = r.str() === "Infinity"; // competeAgainstBestOffset "up to mid"
  }
  if (midOffsets) r.skip(2); // midOffsetAtWhole, midOffsetAtHalf
  if (serverVersion >= MinVer.CUSTOMER_ACCOUNT) r.skip();
  if (serverVersion >= MinVer.PROFESSIONAL_CUSTOMER) r.skip();
  if (serverVersion >= RFQ_FIELDS && serverVersion < UNDO_RFQ_FIELDS) r.skip(2);
  if (serverVersion >= MinVer.INCLUDE_OVERNIGHT) r.skip();
  if (serverVersion >= MinVer.CME_TAGGING_FIELDS) r.skip(); // manualOrderIndicator
  const order = PlaceOrderFields.parse({
    orderId,
    action,
    totalQuantity,
    orderType,
    lmtPrice,
    auxPrice,
    tif,
    ocaGroup,
    ocaType,
    trailStopPrice,
    trailingPercent,
    lmtPriceOffset,
    algoStrategy,
    algoParams,
    comboLegs,
    account,
    orderRef,
    transmit,
    parentId,
    outsideRth,
    whatIf,
  });
  return { order, contract };
}
