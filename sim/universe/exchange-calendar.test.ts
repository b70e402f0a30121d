import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dayKind, easter, usEquityCalendar } from "./exchange-calendar.ts";
import { hoursString, inSession, isTradingDay } from "./sessions.ts";
import { fromLocal } from "./time-zone.ts";

const ET = "US/Eastern";

describe("exchange calendars", () => {
  it("computes Easter for known years", () => {
    assert.deepEqual(easter(2024), [3, 31]);
    assert.deepEqual(easter(2025), [4, 20]);
    assert.deepEqual(easter(2026), [4, 5]);
    assert.deepEqual(easter(2027), [3, 28]);
    assert.deepEqual(easter(2028), [4, 16]);
  });

  it("lists NYSE's published holidays 2024-2028, with observed-day shifts", () => {
    const published: Record<number, string[]> = {
      2024: [
        "20240101",
        "20240115",
        "20240219",
        "20240329",
        "20240527",
        "20240619",
        "20240704",
        "20240902",
        "20241128",
        "20241225",
      ],
      2025: [
        "20250101",
        "20250120",
        "20250217",
        "20250418",
        "20250526",
        "20250619",
        "20250704",
        "20250901",
        "20251127",
        "20251225",
      ],
      2026: [
        "20260101",
        "20260119",
        "20260216",
        "20260403",
        "20260525",
        "20260619",
        "20260703",
        "20260907",
        "20261126",
        "20261225",
      ],
      2027: [
        "20270101",
        "20270118",
        "20270215",
        "20270326",
        "20270531",
        "20270618",
        "20270705",
        "20270906",
        "20271125",
        "20271224",
      ],
      2028: [
        "20280117",
        "20280221",
        "20280414",
        "20280529",
        "20280619",
        "20280704",
        "20280904",
        "20281123",
        "20281225",
      ],
    };
    for (const [y, days] of Object.entries(published)) {
      assert.deepEqual([...usEquityCalendar(Number(y)).holidays.keys()].sort(), days, `holidays of ${y}`);
    }
  });

  it("closes early the day after Thanksgiving, on Christmas Eve and on July 3 when they trade", () => {
    assert.deepEqual([...usEquityCalendar(2024).halfDays].sort(), ["20240703", "20241129", "20241224"]);
    assert.deepEqual([...usEquityCalendar(2026).halfDays].sort(), ["20261127", "20261224"]);
    // Christmas Eve 2027 is the observed Christmas holiday, not a half day
    assert.deepEqual([...usEquityCalendar(2027).halfDays].sort(), ["20271126"]);
    assert.deepEqual([...usEquityCalendar(2028).halfDays].sort(), ["20280703", "20281124"]);
  });

  it("keeps crypto open every day, FX on weekdays but Christmas and New Year's Day", () => {
    assert.equal(dayKind("crypto", "20261126", 4), "full");
    assert.equal(dayKind("crypto", "20261129", 0), "full");
    assert.equal(dayKind("forex", "20261126", 4), "full");
    assert.equal(dayKind("forex", "20261225", 5), "closed");
    assert.equal(dayKind("forex", "20261128", 6), "closed");
    assert.equal(dayKind("cme-future", "20261126", 4), "closed");
    assert.equal(dayKind("us-equity", "20261127", 5), "half");
  });

  it("has no session on Thanksgiving and a 13:00 close the day after", () => {
    const thanksgivingNoon = fromLocal(2026, 11, 26, 12, 0, 0, ET);
    assert.equal(isTradingDay(thanksgivingNoon, "us-equity", ET), false);
    assert.equal(inSession(thanksgivingNoon, "us-equity", ET, false), false);
    assert.equal(inSession(fromLocal(2026, 11, 27, 12, 59, 0, ET), "us-equity", ET, true), true);
    assert.equal(inSession(fromLocal(2026, 11, 27, 13, 0, 0, ET), "us-equity", ET, true), false);
    assert.equal(inSession(fromLocal(2026, 11, 27, 16, 59, 0, ET), "us-equity", ET, false), true);
    assert.equal(inSession(fromLocal(2026, 11, 27, 17, 0, 0, ET), "us-equity", ET, false), false);
  });

  it("writes closed days and early closes into IB's trading hours format", () => {
    const monday = fromLocal(2026, 11, 23, 10, 0, 0, ET);
    const liquid = hoursString(monday, "us-equity", ET, true).split(";");
    assert.deepEqual(liquid, [
      "20261123:0930-20261123:1600",
      "20261124:0930-20261124:1600",
      "20261125:0930-20261125:1600",
      "20261126:CLOSED",
      "20261127:0930-20261127:1300",
      "20261128:CLOSED",
      "20261129:CLOSED",
    ]);
    // CME's session opens at 17:00 CT the evening before its trade date
    assert.deepEqual(hoursString(monday, "cme-future", "US/Central", false).split(";"), [
      "20261122:1700-20261123:1600",
      "20261123:1700-20261124:1600",
      "20261124:1700-20261125:1600",
      "20261126:CLOSED",
      "20261126:1700-20261127:1200",
      "20261128:CLOSED",
      "20261129:CLOSED",
    ]);
  });

  it("runs CME futures from Sunday 17:00 CT with a daily halt, and FX 24x5 from Sunday 17:15 ET", () => {
    const CT = "US/Central";
    assert.equal(
      inSession(fromLocal(2026, 11, 29, 18, 0, 0, CT), "cme-future", CT, false),
      true,
      "Sunday evening",
    );
    assert.equal(
      inSession(fromLocal(2026, 11, 29, 16, 0, 0, CT), "cme-future", CT, false),
      false,
      "Sunday afternoon",
    );
    assert.equal(
      inSession(fromLocal(2026, 11, 30, 16, 30, 0, CT), "cme-future", CT, false),
      false,
      "the halt",
    );
    assert.equal(inSession(fromLocal(2026, 11, 30, 2, 0, 0, CT), "cme-future", CT, false), true, "overnight");
    assert.equal(
      inSession(fromLocal(2026, 12, 4, 17, 30, 0, ET), "forex", ET, false),
      false,
      "Friday evening",
    );
    assert.equal(
      inSession(fromLocal(2026, 12, 6, 17, 30, 0, ET), "forex", ET, false),
      true,
      "Sunday evening",
    );
    assert.equal(inSession(fromLocal(2026, 12, 2, 3, 0, 0, ET), "forex", ET, false), true, "overnight");
  });
});
