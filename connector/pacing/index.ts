export { ibPacingLimits, type PacingLimits, type WindowLimit } from "./limits.ts";
export { createPacer } from "./pacer.ts";
export type {
  Admission,
  PacedKind,
  PacedRequest,
  Pacer,
  PacerOptions,
  PacerStats,
  Release,
  SetTimer,
} from "./types.ts";
