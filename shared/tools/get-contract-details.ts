import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const ContractDetails = z.object({
  contract: ContractSummary,
  longName: z.string().optional(),
  industry: z.string().optional(),
  category: z.string().optional(),
  subcategory: z.string().optional(),
  marketName: z.string().optional(),
  minTick: z.number().optional(),
  priceMagnifier: z.number().optional(),
  timeZoneId: z.string().optional(),
  tradingHours: z.string().optional(),
  liquidHours: z.string().optional(),
  validExchanges: z.string().optional(),
  /** IB's market rule ids, one per valid exchange, in the same order (see get_market_rule). */
  marketRuleIds: z.string().optional(),
  orderTypes: z.string().optional(),
  contractMonth: z.string().optional(),
  underConId: z.number().int().optional(),
  stockType: z.string().optional(),
  /** The smallest quantity IB takes for an order, and the step above it. */
  minSize: z.number().optional(),
  sizeIncrement: z.number().optional(),
});

export const getContractDetails = readTool({
  name: "get_contract_details",
  title: "Contract details",
  toolsets: ["contracts"],
  description:
    "IB contract details of an instrument: long name, industry, category, min tick, multiplier, time zone, trading and liquid hours, valid exchanges, order types.",
  input: z.object(instrumentFields),
  output: z.object({ symbol: z.string(), details: z.array(ContractDetails) }),
  summarize: (o) =>
    o.details
      .map((d) =>
        [
          `${d.contract.symbol} ${d.contract.secType} (conId ${d.contract.conId}) ${d.longName ?? ""}`.trim(),
          d.industry ? `- Industry: ${d.industry} / ${d.category ?? ""} / ${d.subcategory ?? ""}` : "",
          d.minTick !== undefined ? `- Min tick: ${d.minTick}` : "",
          d.timeZoneId ? `- Time zone: ${d.timeZoneId}` : "",
          d.tradingHours ? `- Trading hours: ${d.tradingHours}` : "",
          d.liquidHours ? `- Liquid hours: ${d.liquidHours}` : "",
          d.validExchanges ? `- Exchanges: ${d.validExchanges}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      )
      .join("\n\n"),
});
