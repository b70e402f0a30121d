import { z } from "zod";
import { AccountField, ContractSummary } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getPositions = readTool({
  name: "get_positions",
  title: "Positions",
  toolsets: ["account"],
  description:
    "Current positions of the managed accounts (or one account): contract, quantity and average cost.",
  input: z.object({ account: AccountField.default("") }),
  output: z.object({
    positions: z.array(
      z.object({ account: z.string(), contract: ContractSummary, position: z.number(), avgCost: z.number() }),
    ),
  }),
  summarize: (o) =>
    o.positions.length === 0
      ? "No positions."
      : o.positions
          .map(
            (p) =>
              `- ${p.account}: ${p.position} ${p.contract.localSymbol ?? p.contract.symbol} (${p.contract.secType}, conId ${p.contract.conId}) avg cost ${p.avgCost} ${p.contract.currency}`,
          )
          .join("\n"),
});
