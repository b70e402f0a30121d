import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateBars } from "./bars.ts";
import { findInstrument, universe } from "./instruments.ts";
import { instrumentPrice, liveQuote } from "./live-price.ts";

const HOUR = 3_600_000;
const future = (symbol: string) =>
  universe().instruments.find((i) => i.secType === "FUT" && i.symbol === symbol)!;

describe("index futures on the index's path", () => {
  it("an index future sits at its index times its basis whenever both trade, for weeks", () => {
    for (const [fut, index] of [
      ["ES", "SPX"],
      ["NQ", "NDX"],
      ["RTY", "RUT"],
      ["YM", "DJX"],
    ] as const) {
      const f = future(fut);
      const x = findInstrument(index, "IND")!;
      const basis = f.price / x.price;
      // Wednesdays 11:00 US/Eastern (16:00Z in winter): both the index and the future trade
      for (let w = 0; w < 30; w++) {
        const t = Date.UTC(2026, 11, 2, 16) + w * 7 * 24 * HOUR;
        const ratio = instrumentPrice(f, t) / instrumentPrice(x, t);
        assert.ok(Math.abs(ratio / basis - 1) < 1e-9, `${fut}/${index} ${ratio} vs basis ${basis}`);
      }
    }
  });

  it("the future's daily bars and quote close move with the index's", () => {
    const es = future("ES");
    const spx = findInstrument("SPX", "IND")!;
    const t = Date.UTC(2026, 11, 9, 16);
    const req = { endMs: t, duration: { count: 1, unit: "M" as const }, barSeconds: 86_400 } as const;
    const bars = (i: typeof es) =>
      generateBars({ ...req, instrument: i, whatToShow: "TRADES", useRTH: true }).map((b) => b.close);
    const [e, s] = [bars(es), bars(spx)];
    const moves = (c: number[]) => c.slice(1).map((x, k) => x / c[k]! - 1);
    // same direction on most days: the future's session is longer than the index's, so not all
    const same = moves(e).filter((m, k) => Math.sign(m) === Math.sign(moves(s)[k]!)).length;
    assert.ok(same >= moves(e).length * 0.8, `${same} of ${moves(e).length} days move together`);
    assert.ok(Math.abs(liveQuote(es, t).close / liveQuote(spx, t).close / (es.price / spx.price) - 1) < 0.03);
  });
});
