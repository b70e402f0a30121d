import { IbMcpError } from "../../shared/errors.ts";
import type { ToolInput } from "../../shared/tool-def.ts";
import { getHistoricalTicks } from "../../shared/tools/get-historical-ticks.ts";
import type { HistoricalTick } from "../ib/client.ts";
import { defineHandler } from "./context.ts";

type Args = ToolInput<typeof getHistoricalTicks>;

/** Epoch seconds as IB's UTC notation, "yyyyMMdd-HH:mm:ss". */
export function ibUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/-/g, "").replace("T", "-").slice(0, 17);
}

/**
 * Where a page starts: a cursor ("f<seconds>" forward from, "b<seconds>" back from), else start or end,
 * else back from now. Both start and end is refused: IB takes exactly one.
 */
export function pageOf(args: Args, nowMs: number): { forward: boolean; at: number } {
  if (args.cursor !== undefined) {
    // the schema checks it too; a cursor is read here only in the shape this tool writes it
    const m = /^([fb])(\d{1,12})$/.exec(args.cursor);
    if (!m)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        "cursor is not a next_cursor this tool returned; drop it to start over",
      );
    return { forward: m[1] === "f", at: Number(m[2]) };
  }
  if (args.start && args.end)
    throw new IbMcpError("INVALID_ARGUMENT", "give start or end, not both: IB pages ticks from one of them");
  const text = args.start ?? args.end;
  const ms = text === undefined ? nowMs : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new IbMcpError("INVALID_ARGUMENT", `${args.start ? "start" : "end"} is not a valid time`);
  if (ms > nowMs + 60_000 && args.start)
    throw new IbMcpError("INVALID_ARGUMENT", "start is in the future; give a past time or use end");
  return { forward: args.start !== undefined, at: Math.floor(ms / 1000) };
}

/**
 * The cursor of the next page, or none when this page came back short (IB had no more in that direction).
 * IB answers every tick of a page's last second, so the next page starts one second beyond it.
 */
export function nextCursor(
  ticks: readonly HistoricalTick[],
  forward: boolean,
  asked: number,
): string | undefined {
  if (ticks.length < asked) return undefined;
  const edge = forward ? ticks[ticks.length - 1] : ticks[0];
  if (!edge) return undefined;
  return forward ? `f${edge.time + 1}` : `b${edge.time - 1}`;
}

const KINDS = new Set(["TRADES", "BID_ASK", "MIDPOINT"]);

export const getHistoricalTicksHandler = defineHandler(getHistoricalTicks, async (args, ctx) => {
  // each kind has its own IB reply layout: anything else would wait for a reply that never comes
  if (!KINDS.has(args.data_type))
    throw new IbMcpError("INVALID_ARGUMENT", "data_type is TRADES, BID_ASK or MIDPOINT");
  const page = pageOf(args, Date.now());
  const contract = await ctx.contracts.resolve(args, ctx);
  const req = {
    start: page.forward ? ibUtc(page.at) : "",
    end: page.forward ? "" : ibUtc(page.at),
    count: args.max_ticks,
    whatToShow: args.data_type,
    useRth: args.use_rth,
  };
  const key = [
    "ticks",
    contract.conId,
    contract.exchange ?? "",
    req.start,
    req.end,
    req.count,
    req.whatToShow,
    req.useRth,
  ];
  const ticks = (await ctx.history.get(key.join("|"), ctx, (run) =>
    ctx.ib.historicalTicks(contract, req, run),
  )) as HistoricalTick[];
  return {
    contract,
    dataType: args.data_type,
    ticks: ticks.map((t) => ({ ...t, time: new Date(t.time * 1000).toISOString() })),
    next_cursor: nextCursor(ticks, page.forward, args.max_ticks),
  };
});
