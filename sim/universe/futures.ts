import { startOfDay, thirdFriday, ymd } from "./calendar.ts";
import { derivedConId } from "./hash.ts";
import { type Instrument, instrumentDefaults } from "./instrument.ts";

const DAY_MS = 86_400_000;
const MS_PER_YEAR = 365 * DAY_MS;
const MONTH_CODES = "FGHJKMNQUVXZ";
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

type LastTrade = "third-friday" | "fx" | "crude" | "metal" | "treasury";

interface FutureRoot {
  /** IB's symbol (6E is "EUR" at IB; its trading class is 6E). */
  symbol: string;
  tradingClass: string;
  exchange: string;
  multiplier: string;
  minTick: number;
  longName: string;
  /** The spot level; the n-th listed month (from 0) trades at spot x (1 + carry x (n + 1)). */
  price: number;
  carry: number;
  /** Listed months (0 = January). */
  months: number[];
  count: number;
  lastTrade: LastTrade;
  /** CBOT products show "YM   DEC 26" as their local symbol; the rest "ESZ6". */
  cbotStyle?: boolean;
  underConId?: number;
  /** The index the future tracks (its price follows that index's path, at its own basis). */
  tracks?: string;
}

const Q = [2, 5, 8, 11];
const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

// biome-ignore format: one root per line reads as a table
const ROOTS: FutureRoot[] = [
  { symbol: "ES", tradingClass: "ES", exchange: "CME", multiplier: "50", minTick: 0.25, longName: "E-mini S&P 500", price: 5905.1, carry: 0.01, months: Q, count: 4, lastTrade: "third-friday", underConId: 11004968, tracks: "SPX" },
  { symbol: "NQ", tradingClass: "NQ", exchange: "CME", multiplier: "20", minTick: 0.25, longName: "E-mini NASDAQ 100", price: 20810.4, carry: 0.01, months: Q, count: 4, lastTrade: "third-friday", tracks: "NDX" },
  { symbol: "RTY", tradingClass: "RTY", exchange: "CME", multiplier: "50", minTick: 0.1, longName: "E-mini Russell 2000 Index", price: 2385.6, carry: 0.008, months: Q, count: 4, lastTrade: "third-friday", tracks: "RUT" },
  { symbol: "YM", tradingClass: "YM", exchange: "CBOT", multiplier: "5", minTick: 1, longName: "Mini Sized Dow Jones Industrial Average $5", price: 44512, carry: 0.009, months: Q, count: 4, lastTrade: "third-friday", cbotStyle: true, tracks: "DJX" },
  { symbol: "CL", tradingClass: "CL", exchange: "NYMEX", multiplier: "1000", minTick: 0.01, longName: "Light Sweet Crude Oil", price: 68.42, carry: -0.004, months: ALL, count: 6, lastTrade: "crude" },
  { symbol: "GC", tradingClass: "GC", exchange: "COMEX", multiplier: "100", minTick: 0.1, longName: "Gold", price: 2648.3, carry: 0.006, months: [1, 3, 5, 7, 9, 11], count: 4, lastTrade: "metal" },
  { symbol: "SI", tradingClass: "SI", exchange: "COMEX", multiplier: "5000", minTick: 0.005, longName: "Silver", price: 31.215, carry: 0.008, months: [2, 4, 6, 8, 11], count: 4, lastTrade: "metal" },
  { symbol: "ZN", tradingClass: "ZN", exchange: "CBOT", multiplier: "1000", minTick: 0.015625, longName: "10 Year US Treasury Note", price: 110.5, carry: -0.0015, months: Q, count: 3, lastTrade: "treasury", cbotStyle: true },
  { symbol: "ZB", tradingClass: "ZB", exchange: "CBOT", multiplier: "1000", minTick: 0.03125, longName: "30 Year US Treasury Bond", price: 117.25, carry: -0.0015, months: Q, count: 3, lastTrade: "treasury", cbotStyle: true },
  { symbol: "EUR", tradingClass: "6E", exchange: "CME", multiplier: "125000", minTick: 0.00005, longName: "European Monetary Union Euro", price: 1.0891, carry: 0.003, months: Q, count: 4, lastTrade: "fx" },
];

const isWeekday = (t: number) => {
  const w = new Date(t).getUTCDay();
  return w >= 1 && w <= 5;
};

/** Steps `n` weekdays back from `t` (holidays are the calendar's business; weekends are skipped). */
function weekdaysBefore(t: number, n: number): number {
  let d = t;
  for (let k = 0; k < n; ) {
    d -= DAY_MS;
    if (isWeekday(d)) k++;
  }
  return d;
}

function lastWeekdayOfMonth(y: number, m: number): number {
  let d = Date.UTC(y, m + 1, 1) - DAY_MS;
  while (!isWeekday(d)) d -= DAY_MS;
  return d;
}

/** The last trading day of a contract month, by the exchange's rule for the product. */
function lastTradeDay(rule: LastTrade, y: number, m: number): Date {
  if (rule === "third-friday") return thirdFriday(y, m);
  if (rule === "fx") return new Date(weekdaysBefore(thirdFriday(y, m).getTime() - 2 * DAY_MS, 2)); // 3rd Wed - 2
  if (rule === "metal") return new Date(weekdaysBefore(lastWeekdayOfMonth(y, m), 2));
  if (rule === "treasury") return new Date(weekdaysBefore(lastWeekdayOfMonth(y, m), 7));
  // crude: three business days before the 25th of the month before (or before the weekday preceding it)
  let d25 = Date.UTC(y, m - 1, 25);
  while (!isWeekday(d25)) d25 -= DAY_MS;
  return new Date(weekdaysBefore(d25, 3));
}

function localSymbol(root: FutureRoot, y: number, m: number): string {
  return root.cbotStyle
    ? `${root.tradingClass}   ${MONTH_NAMES[m]} ${String(y % 100).padStart(2, "0")}`
    : `${root.tradingClass}${MONTH_CODES[m]}${y % 10}`;
}

function contractsOf(root: FutureRoot, today: Date): Instrument[] {
  const out: Instrument[] = [];
  const start = startOfDay(today).getTime();
  for (let k = 0, y = today.getUTCFullYear(), m = today.getUTCMonth(); out.length < root.count; k++) {
    const month = (m + k) % 12;
    const year = y + Math.floor((m + k) / 12);
    if (!root.months.includes(month)) continue;
    const last = lastTradeDay(root.lastTrade, year, month);
    if (last.getTime() < start) continue;
    const n = out.length;
    out.push({
      ...instrumentDefaults,
      conId: derivedConId(`FUT:${root.tradingClass}:${ymd(last)}`),
      symbol: root.symbol,
      secType: "FUT",
      exchange: root.exchange,
      currency: "USD",
      localSymbol: localSymbol(root, year, month),
      tradingClass: root.tradingClass,
      multiplier: root.multiplier,
      lastTradeDateOrContractMonth: ymd(last),
      contractMonth: `${year}${String(month + 1).padStart(2, "0")}`,
      longName: root.longName,
      minTick: root.minTick,
      timeZoneId: "US/Central",
      validExchanges: root.exchange === "CME" ? "CME,QBALGO" : root.exchange,
      marketName: root.tradingClass,
      underConId: root.underConId ?? derivedConId(`FUTIND:${root.tradingClass}`),
      underSymbol: root.symbol,
      underSecType: "IND",
      marketRuleIds: "67,67",
      price: Number(
        (Math.round((root.price * (1 + root.carry * (n + 1))) / root.minTick) * root.minTick).toFixed(6),
      ),
      headDate: ymd(new Date(last.getTime() - 2 * MS_PER_YEAR)),
      session: "cme-future",
    });
  }
  return out;
}

/** The front month and the next few of each futures root, as of `today`. */
export function futures(today: Date): Instrument[] {
  return ROOTS.flatMap((r) => contractsOf(r, today));
}

/** The index whose path a future of this trading class follows (ES the S&P 500, YM the Dow via DJX), if any. */
export function trackedIndex(tradingClass: string): string | undefined {
  return ROOTS.find((r) => r.tradingClass === tradingClass)?.tracks;
}
