import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const TradingSession = z.object({
  date: z.string().describe("YYYY-MM-DD, the day the session belongs to"),
  closed: z.boolean(),
  sessions: z
    .array(z.object({ open: z.string(), close: z.string() }))
    .describe("Local exchange time, YYYY-MM-DDTHH:MM in the contract's time zone"),
});

export const getTradingHours = readTool({
  name: "get_trading_hours",
  title: "Trading hours",
  toolsets: ["contracts", "market"],
  description:
    "Trading and liquid (regular) hours of an instrument for the coming days, from its contract details, in the exchange's time zone.",
  input: z.object(instrumentFields),
  output: z.object({
    contract: ContractSummary,
    timeZoneId: z.string().optional(),
    tradingHours: z.array(TradingSession),
    liquidHours: z.array(TradingSession),
  }),
  summarize: (o) => {
    const days = (list: z.infer<typeof TradingSession>[]) =>
      list
        .map(
          (d) =>
            `- ${d.date}: ${d.closed ? "closed" : d.sessions.map((s) => `${s.open.slice(11)}-${s.close.slice(11)}${s.close.slice(0, 10) !== d.date ? ` (${s.close.slice(0, 10)})` : ""}`).join(", ")}`,
        )
        .join("\n");
    return `${o.contract.symbol} (conId ${o.contract.conId}), time zone ${o.timeZoneId ?? "unknown"}\nTrading hours:\n${days(o.tradingHours)}\nLiquid hours:\n${days(o.liquidHours)}`;
  },
});
