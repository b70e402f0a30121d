import { IbMcpError } from "../../shared/errors.ts";
import { runScanner } from "../../shared/tools/run-scanner.ts";
import { defineHandler } from "./context.ts";

export const runScannerHandler = defineHandler(runScanner, async (args, ctx) => {
  const range = (what: string, above?: number, below?: number) => {
    if (above !== undefined && below !== undefined && above >= below)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `${what}_above (${above}) must be below ${what}_below (${below}), or nothing can match; widen or drop one`,
      );
  };
  range("price", args.above_price, args.below_price);
  range("market_cap", args.market_cap_above, args.market_cap_below);
  const rows = await ctx.ib.scan(
    {
      scanCode: args.scan_code,
      instrument: args.instrument,
      location: args.location,
      rows: args.rows,
      abovePrice: args.above_price,
      belowPrice: args.below_price,
      aboveVolume: args.above_volume,
      marketCapAbove: args.market_cap_above,
      marketCapBelow: args.market_cap_below,
    },
    ctx,
  );
  return { scanCode: args.scan_code, location: args.location, rows: rows.slice(0, args.rows) };
});
