export { ibPacingLimits, type PacingLimits, type WindowLimit } from "./limits.ts";
export { createPacer } from "./pacer.ts";
export type {
  PacedKind,
  PacedRequest,
  Pacer,
  PacerOptions,
  PacerStats,
  Release,
  SetTimer,
} from "./types.ts";
