import { z } from "zod";

const durationLimits: Record<string, number> = { S: 86_400, D: 365, W: 52, M: 12, Y: 20 };

/** IB duration string: an integer and a unit, e.g. "30 D", "1 M", "2 Y"; sized within what IB serves. */
export const DurationField = z
  .string()
  .regex(/^\d{1,6} [SDWMY]$/, 'duration is "<integer> <unit>" with unit S, D, W, M or Y, e.g. "1 M" or "5 D"')
  .refine(
    (v) => {
      const [n, unit] = v.split(" ");
      const limit = durationLimits[unit ?? ""] ?? 0;
      return Number(n) >= 1 && Number(n) <= limit;
    },
    { message: "duration is out of range: at most 86400 S, 365 D, 52 W, 12 M or 20 Y, and at least 1" },
  )
  .describe('How far back: "1 D", "2 W", "1 M", "1 Y"');

export const BarSize = z.enum([
  "1 secs",
  "5 secs",
  "10 secs",
  "15 secs",
  "30 secs",
  "1 min",
  "2 mins",
  "3 mins",
  "5 mins",
  "10 mins",
  "15 mins",
  "20 mins",
  "30 mins",
  "1 hour",
  "2 hours",
  "3 hours",
  "4 hours",
  "8 hours",
  "1 day",
  "1 week",
  "1 month",
]);

export const WhatToShow = z.enum([
  "TRADES",
  "MIDPOINT",
  "BID",
  "ASK",
  "BID_ASK",
  "ADJUSTED_LAST",
  "HISTORICAL_VOLATILITY",
  "OPTION_IMPLIED_VOLATILITY",
  "FEE_RATE",
]);

export const Bar = z.object({
  time: z.string().describe("Bar start: YYYY-MM-DD for daily and longer bars, else ISO 8601 UTC"),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number().optional(),
  wap: z.number().optional(),
  count: z.number().optional(),
});
export type Bar = z.infer<typeof Bar>;
