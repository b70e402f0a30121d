import { derivedConId } from "./hash.ts";
import { type Instrument, instrumentDefaults } from "./instrument.ts";
import { cusipCheckDigit, isinOfCusip } from "./security-ids.ts";

/**
 * Corporate and US Treasury bonds: ticker, CUSIP issuer and issue code (the check digit is computed), coupon,
 * maturity, clean price, issuer name. The issuer codes are the issuers' real ones; apart from the Apple 3.85s
 * of 2043 the issue codes are the simulator's own, so CUSIPs and ISINs are well-formed but made up.
 */
// biome-ignore format: one bond per line reads as a table
const ROWS: Array<[string, string, number, string, number, string]> = [
  ["AAPL", "037833AL", 3.85, "20430504", 85.625, "APPLE INC"],
  ["AAPL", "037833DX", 2.65, "20320208", 89.412, "APPLE INC"],
  ["MSFT", "594918BY", 3.3, "20270206", 99.218, "MICROSOFT CORP"],
  ["MSFT", "594918CC", 2.921, "20520317", 66.85, "MICROSOFT CORP"],
  ["AMZN", "023135BZ", 4.05, "20470822", 86.74, "AMAZON.COM INC"],
  ["JPM", "46625HRY", 3.782, "20280201", 98.31, "JPMORGAN CHASE & CO"],
  ["GS", "38141GXS", 3.5, "20290401", 96.28, "GOLDMAN SACHS GROUP INC"],
  ["BAC", "06051GHY", 3.419, "20281220", 97.44, "BANK OF AMERICA CORP"],
  ["VZ", "92343VGJ", 4.016, "20291203", 97.92, "VERIZON COMMUNICATIONS"],
  ["T", "00206RML", 3.5, "20530915", 70.12, "AT&T INC"],
  ["WMT", "931142EL", 3.7, "20280626", 99.05, "WALMART INC"],
  ["ORCL", "68389XBN", 3.6, "20400401", 80.36, "ORACLE CORP"],
  ["BA", "097023CY", 5.15, "20300501", 100.82, "BOEING CO"],
  ["F", "345397ZW", 4.95, "20270528", 99.61, "FORD MOTOR CREDIT CO LLC"],
  ["XOM", "30231GBE", 2.995, "20390816", 80.94, "EXXON MOBIL CORPORATION"],
  ["PFE", "717081EX", 4.2, "20480915", 84.18, "PFIZER INC"],
  ["T", "912810TM", 4.0, "20521115", 90.125, "UNITED STATES TREASURY"],
  ["T", "912810UA", 4.625, "20550215", 99.406, "UNITED STATES TREASURY"],
  ["T", "91282CLW", 4.25, "20341115", 100.281, "UNITED STATES TREASURY"],
  ["T", "91282CMB", 4.375, "20291231", 101.094, "UNITED STATES TREASURY"],
  ["T", "91282CKZ", 4.625, "20270630", 100.75, "UNITED STATES TREASURY"],
  ["T", "912828YB", 1.625, "20290815", 92.469, "UNITED STATES TREASURY"],
];

function shortDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(4, 6)}/${yyyymmdd.slice(6, 8)}/${yyyymmdd.slice(2, 4)}`;
}

/** Bonds answer contract details by conId, CUSIP (their IB symbol) or ISIN. */
export const bonds: Instrument[] = ROWS.map(([ticker, body, coupon, maturity, price, issuer]) => {
  const cusip = `${body}${cusipCheckDigit(body)}`;
  const desc = `${ticker} ${coupon} ${shortDate(maturity)}`;
  return {
    ...instrumentDefaults,
    conId: derivedConId(`BOND:${desc}`),
    symbol: cusip,
    secType: "BOND",
    exchange: "SMART",
    currency: "USD",
    localSymbol: desc,
    tradingClass: ticker,
    longName: `${issuer} ${coupon} ${shortDate(maturity)}`,
    minTick: 0.001,
    timeZoneId: "US/Eastern",
    validExchanges: "SMART,IBCMPBND",
    orderTypes: "DAY,GTC,LMT,MKT",
    marketName: ticker,
    lastTradeDateOrContractMonth: maturity,
    price,
    headDate: "20130430",
    session: "bond",
  };
});

/** The bond with this CUSIP or ISIN. */
export function bondBySecId(id: string): Instrument | undefined {
  const u = id.trim().toUpperCase();
  return bonds.find((b) => b.symbol === u || isinOfCusip(b.symbol) === u);
}
