import { getFundamentalData } from "../../shared/tools/get-fundamental-data.ts";
import { defineHandler } from "./context.ts";

export const getFundamentalDataHandler = defineHandler(getFundamentalData, async (args, ctx) => {
  const contract = await ctx.contracts.resolve({ ...args, sec_type: "STK" }, ctx);
  const xml = await ctx.ib.fundamentalData(contract, args.report_type, ctx);
  return { contract, reportType: args.report_type, xml };
});
