import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateBars } from "./bars.ts";
import { findInstrument, universe } from "./instruments.ts";
import { formatLocal } from "./time-zone.ts";

const ET = "US/Eastern";
const day = (t: number) => formatLocal(t, ET).slice(0, 8);

describe("bars follow the exchange calendar", () => {
  const aapl = findInstrument("AAPL", "STK")!;
  const base = { instrument: aapl, whatToShow: "TRADES" as const, useRTH: true };

  it("has no daily bar on a holiday", () => {
    const days = generateBars({
      ...base,
      endMs: Date.UTC(2026, 11, 4, 21),
      duration: { count: 1, unit: "M" },
      barSeconds: 86_400,
    }).map((b) => day(b.time));
    assert.ok(days.includes("20261125") && days.includes("20261127"));
    assert.ok(!days.includes("20261126"), "Thanksgiving 2026 has no bar");
    assert.equal(days.length, 21, "November 4 to December 4 holds 21 trading days");
  });

  it("ends the half day's intraday bars at 13:00", () => {
    const bars = generateBars({
      ...base,
      endMs: Date.UTC(2026, 10, 27, 23),
      duration: { count: 1, unit: "D" },
      barSeconds: 3600,
    });
    assert.deepEqual(
      bars.map((b) => formatLocal(b.time, ET).slice(9, 14)),
      ["09:30", "10:00", "11:00", "12:00"],
    );
  });

  it("runs a CME day of hourly bars from 17:00 CT the evening before to the 16:00 close", () => {
    const es = universe().instruments.find((i) => i.secType === "FUT" && i.symbol === "ES")!;
    const bars = generateBars({
      ...base,
      instrument: es,
      useRTH: false,
      endMs: Date.UTC(2026, 11, 1, 22),
      duration: { count: 1, unit: "D" },
      barSeconds: 3600,
    });
    const times = bars.map((b) => formatLocal(b.time, es.timeZoneId).slice(0, 14));
    assert.equal(times[0], "20261130 17:00");
    assert.equal(times.at(-1), "20261201 15:00");
    assert.equal(bars.length, 23, "23 trading hours around the daily halt");
  });

  it("dates weekly bars by the week's last trading day", () => {
    const weeks = generateBars({
      ...base,
      endMs: Date.UTC(2026, 3, 24, 21),
      duration: { count: 5, unit: "W" },
      barSeconds: 604_800,
    }).map((b) => day(b.time));
    // the week of Good Friday (2026-04-03) ends on Thursday
    assert.deepEqual(weeks, ["20260327", "20260402", "20260410", "20260417", "20260424"]);
  });

  it("dates monthly bars by the month's last trading day, the current month by its latest day", () => {
    const months = generateBars({
      ...base,
      endMs: Date.UTC(2026, 4, 12, 21),
      duration: { count: 4, unit: "M" },
      barSeconds: 2_592_000,
    }).map((b) => day(b.time));
    assert.deepEqual(months, ["20260130", "20260227", "20260331", "20260430", "20260512"]);
  });
});
