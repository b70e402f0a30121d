import { z } from "zod";

export const TradingMode = z.enum(["paper", "live"]);
export type TradingMode = z.infer<typeof TradingMode>;
