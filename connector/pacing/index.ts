export { ibPacingLimits, type PacingLimits, type WindowLimit } from "./limits.ts";
export { createPacer, type PacerOptions } from "./pacer.ts";
export type { PacedKind, PacedRequest, Pacer, PacerStats, Release, SetTimer } from "./types.ts";
