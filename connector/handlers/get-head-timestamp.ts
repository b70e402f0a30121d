import { IbMcpError } from "../../shared/errors.ts";
import { getHeadTimestamp } from "../../shared/tools/get-head-timestamp.ts";
import { defineHandler } from "./context.ts";

/** IB's head timestamp (epoch seconds, or "yyyyMMdd-HH:mm:ss" UTC) as ISO 8601. */
export function headToIso(text: string): string {
  const t = text.trim();
  if (/^\d+$/.test(t)) return new Date(Number(t) * 1000).toISOString();
  const m = /^(\d{4})(\d{2})(\d{2})[- ](\d{2}):(\d{2}):(\d{2})$/.exec(t);
  if (!m)
    throw new IbMcpError(
      "INTERNAL",
      `IB sent a head timestamp the connector cannot read: "${t.slice(0, 40)}"`,
    );
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`).toISOString();
}

export const getHeadTimestampHandler = defineHandler(getHeadTimestamp, async (args, ctx) => {
  const contract = await ctx.contracts.resolve(args, ctx);
  const key = ["head", contract.conId, contract.exchange ?? "", args.data_type, args.use_rth].join("|");
  const head = (await ctx.history.get(key, ctx, (run) =>
    ctx.ib.headTimestamp(contract, args.data_type, args.use_rth, run),
  )) as string;
  return { contract, dataType: args.data_type, headTimestamp: headToIso(head) };
});
