/** yyyymmdd of a UTC date. */
export function ymd(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** The third Friday of a month (UTC date at 00:00). */
export function thirdFriday(year: number, month0: number): Date {
  const first = new Date(Date.UTC(year, month0, 1));
  const offset = (5 - first.getUTCDay() + 7) % 7;
  return new Date(Date.UTC(year, month0, 1 + offset + 14));
}

/** The next `count` monthly expiries (third Fridays) on or after `today`. */
export function monthlyExpiries(today: Date, count: number): Date[] {
  const out: Date[] = [];
  let y = today.getUTCFullYear();
  let m = today.getUTCMonth();
  while (out.length < count) {
    const d = thirdFriday(y, m);
    if (d.getTime() >= startOfDay(today).getTime()) out.push(d);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

/** The next `count` quarterly expiries (third Friday of Mar, Jun, Sep, Dec). */
export function quarterlyExpiries(today: Date, count: number): Date[] {
  return monthlyExpiries(today, count * 3 + 3)
    .filter((d) => d.getUTCMonth() % 3 === 2)
    .slice(0, count);
}

/** January third Fridays of the next `count` years after this one (LEAPS). */
export function leapsExpiries(today: Date, count: number): Date[] {
  const out: Date[] = [];
  for (let k = 1; k <= count; k++) out.push(thirdFriday(today.getUTCFullYear() + k, 0));
  return out;
}

export function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

const FUTURE_MONTH_CODES = "FGHJKMNQUVXZ";

/** IB's futures local symbol, e.g. ESZ6 (one-digit year). */
export function futureLocalSymbol(root: string, expiry: Date): string {
  return `${root}${FUTURE_MONTH_CODES[expiry.getUTCMonth()]}${expiry.getUTCFullYear() % 10}`;
}

/** OCC option symbol as IB shows it in localSymbol, e.g. "AAPL  261218C00230000". */
export function occSymbol(root: string, expiry: Date, right: "C" | "P", strike: number): string {
  const yymmdd = ymd(expiry).slice(2);
  return `${root.padEnd(6, " ")}${yymmdd}${right}${String(Math.round(strike * 1000)).padStart(8, "0")}`;
}
