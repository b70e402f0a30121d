import { unit } from "./hash.ts";

// Layers of value noise: (period in seconds, amplitude in log-price). Slow layers give trends, fast ones wiggle.
const LAYERS: Array<[number, number]> = [
  [86_400 * 120, 0.12],
  [86_400 * 15, 0.05],
  [86_400 * 2, 0.02],
  [3_600 * 3, 0.008],
  [600, 0.003],
  [30, 0.0008],
  [2, 0.0002],
];

function smooth(x: number): number {
  return x * x * (3 - 2 * x);
}

function valueNoise(seed: string, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = unit(`${seed}:${i}`) * 2 - 1;
  const b = unit(`${seed}:${i + 1}`) * 2 - 1;
  return a + (b - a) * smooth(f);
}

/** How much an asset class moves relative to a stock (FX and bonds far less, crypto more). */
export function volScale(secType: string): number {
  if (secType === "CASH") return 0.15;
  if (secType === "BOND") return 0.1;
  if (secType === "CRYPTO") return 1.5;
  return 1;
}

/**
 * The simulated price of an instrument at an instant: the reference price moved by deterministic
 * multi-scale noise. A pure function of (conId, reference price, time, scale), so any bar window agrees
 * with any other.
 */
export function pathPrice(conId: number, refPrice: number, tMs: number, scale = 1): number {
  const s = tMs / 1000;
  let x = 0;
  for (const [period, amp] of LAYERS) x += amp * valueNoise(`${conId}:${period}`, s / period);
  return refPrice * Math.exp(x * scale);
}

/** Deterministic traded volume for a bar: scaled to the bar's length with some spread. */
export function pathVolume(conId: number, tMs: number, seconds: number, dailyVolume: number): number {
  const share = seconds / 23_400;
  return Math.max(1, Math.round(dailyVolume * share * (0.5 + unit(`vol:${conId}:${tMs}:${seconds}`))));
}
