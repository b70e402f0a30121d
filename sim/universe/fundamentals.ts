import { unit } from "./hash.ts";
import type { Instrument } from "./instrument.ts";

/** The report types reqFundamentalData serves, as IB names them. */
export const REPORT_TYPES = [
  "ReportSnapshot",
  "ReportsFinSummary",
  "ReportsOwnership",
  "ReportsFinStatements",
  "RESC",
  "CalendarReport",
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** The deterministic key figures behind every report of one company. */
export interface Fundamentals {
  sharesOut: number;
  peRatio: number;
  epsTtm: number;
  revenueTtm: number;
  netIncomeTtm: number;
  marketCap: number;
  dividendPerShare: number;
  employees: number;
  fiscalYear: number;
}

/** Key figures for a stock, derived from its conId and reference price. */
export function fundamentalsOf(i: Instrument, today = new Date()): Fundamentals {
  const sharesOut = Math.round((1 + unit(`sh:${i.conId}`) * 15) * 1e9);
  const peRatio = Number((14 + unit(`pe:${i.conId}`) * 30).toFixed(2));
  const epsTtm = Number((i.price / peRatio).toFixed(2));
  const netIncomeTtm = Math.round(epsTtm * sharesOut);
  const revenueTtm = Math.round(netIncomeTtm * (3 + unit(`rev:${i.conId}`) * 4));
  return {
    sharesOut,
    peRatio,
    epsTtm,
    revenueTtm,
    netIncomeTtm,
    marketCap: Math.round(sharesOut * i.price),
    dividendPerShare: Number((unit(`div:${i.conId}`) * 3).toFixed(2)),
    employees: Math.round(20_000 + unit(`emp:${i.conId}`) * 200_000),
    fiscalYear: today.getUTCFullYear() - 1,
  };
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const mil = (n: number) => (n / 1e6).toFixed(2);

function coIds(i: Instrument): string {
  return `<CoIDs><CoID Type="RepNo">${String(i.conId).slice(0, 5).padStart(5, "0")}</CoID><CoID Type="CompanyName">${esc(i.longName)}</CoID><CoID Type="IRSNo">${String(i.conId * 7).slice(0, 9)}</CoID><CoID Type="CIKNo">${String(i.conId).padStart(10, "0")}</CoID><CoID Type="OrganizationPermID">${4295900000 + (i.conId % 99999)}</CoID></CoIDs>`;
}

function snapshot(i: Instrument, f: Fundamentals): string {
  const r = (name: string, v: string | number) => `<Ratio FieldName="${name}" Type="N">${v}</Ratio>`;
  return `${HEAD}<ReportSnapshot Major="1" Minor="0" Revision="1">${coIds(i)}<Issues><Issue ID="1" Type="C" Desc="Common Stock" Order="1"><IssueID Type="Name">Ordinary Shares</IssueID><IssueID Type="Ticker">${i.symbol}</IssueID><Exchange Code="${i.primaryExchange === "NYSE" ? "NYSE" : "NASD"}" Country="USA">${esc(i.primaryExchange)}</Exchange></Issue></Issues><CoGeneralInfo><CoStatus Code="1">Active</CoStatus><CoType Code="EQU">Equity Issue</CoType><Employees>${f.employees}</Employees><SharesOut TotalFloat="${Math.round(f.sharesOut * 0.99)}">${f.sharesOut}</SharesOut><ReportingCurrency Code="USD">U.S. Dollars</ReportingCurrency><MostRecentExchange Date="${f.fiscalYear}-12-31">1.0</MostRecentExchange></CoGeneralInfo><TextInfo><Text Type="Business Summary">${esc(i.longName)} operates in ${esc(i.industry)} (${esc(i.category)}, ${esc(i.subcategory)}). Simulated company profile.</Text></TextInfo><Ratios PriceCurrency="USD" ReportingCurrency="USD" ExchangeRate="1.00000"><Group ID="Price and Volume">${r("NPRICE", i.price.toFixed(2))}${r("NHIG", (i.price * 1.25).toFixed(2))}${r("NLOW", (i.price * 0.72).toFixed(2))}</Group><Group ID="Income Statement">${r("MKTCAP", mil(f.marketCap))}${r("TTMREV", mil(f.revenueTtm))}${r("TTMNIAC", mil(f.netIncomeTtm))}</Group><Group ID="Per share data">${r("TTMEPSXCLX", f.epsTtm.toFixed(2))}${r("ADIVSHR", f.dividendPerShare.toFixed(2))}</Group><Group ID="Valuation">${r("PEEXCLXOR", f.peRatio.toFixed(2))}${r("YIELD", ((f.dividendPerShare / i.price) * 100).toFixed(2))}</Group></Ratios><ForecastData ConsensusType="Mean" CurFiscalYear="${f.fiscalYear + 1}"><Ratio FieldName="ConsRecom" Type="N"><Value PeriodType="CURR">${(1.5 + unit(`rec:${i.conId}`) * 1.5).toFixed(4)}</Value></Ratio><Ratio FieldName="TargetPrice" Type="N"><Value PeriodType="CURR">${(i.price * 1.12).toFixed(2)}</Value></Ratio></ForecastData></ReportSnapshot>`;
}

function finSummary(f: Fundamentals): string {
  const rows: string[] = [];
  for (let q = 0; q < 4; q++) {
    const date = `${f.fiscalYear - Math.floor(q / 4)}-${["12-31", "09-30", "06-30", "03-31"][q]}`;
    rows.push(
      `<EPS asofDate="${date}" reportType="TTM" period="12M">${(f.epsTtm * (1 - q * 0.03)).toFixed(2)}</EPS>`,
    );
  }
  const rev = [0, 1, 2, 3]
    .map(
      (q) =>
        `<TotalRevenue asofDate="${f.fiscalYear}-${["12-31", "09-30", "06-30", "03-31"][q]}" reportType="TTM" period="12M">${(f.revenueTtm * (1 - q * 0.02)).toFixed(0)}</TotalRevenue>`,
    )
    .join("");
  return `${HEAD}<FinancialSummary><EPSs currency="USD">${rows.join("")}</EPSs><DividendPerShares currency="USD"><DividendPerShare asofDate="${f.fiscalYear}-12-31" reportType="TTM" period="12M">${f.dividendPerShare.toFixed(2)}</DividendPerShare></DividendPerShares><TotalRevenues currency="USD">${rev}</TotalRevenues></FinancialSummary>`;
}

const HOLDERS = [
  "Vanguard Group Inc",
  "BlackRock Inc",
  "State Street Corp",
  "Fidelity Management & Research",
  "Geode Capital Management",
];

function ownership(i: Instrument, f: Fundamentals): string {
  const owners = HOLDERS.map((name, k) => {
    const qty = Math.round(f.sharesOut * (0.09 - k * 0.015));
    return `<Owner ownerId="${100000 + k}"><type>1</type><name>${esc(name)}</name><quantity>${qty}</quantity><currency>USD</currency></Owner>`;
  }).join("");
  return `${HEAD}<OwnershipSummary><ISIN>US${String(i.conId).padStart(9, "0")}0</ISIN><floatShares>${Math.round(f.sharesOut * 0.99)}</floatShares>${owners}</OwnershipSummary>`;
}

function finStatements(i: Instrument, f: Fundamentals): string {
  const period = (year: number, k: number) => {
    const g = 1 - k * 0.06;
    const li = (code: string, v: number) => `<lineItem coaCode="${code}">${mil(v)}</lineItem>`;
    return `<FiscalPeriod Type="Annual" EndDate="${year}-12-31" FiscalYear="${year}"><Statement Type="INC"><FPHeader><PeriodLength>12</PeriodLength><periodType Code="M">Months</periodType><Source>10-K</Source></FPHeader>${li("RTLR", f.revenueTtm * g)}${li("SGRP", f.revenueTtm * g * 0.42)}${li("NINC", f.netIncomeTtm * g)}</Statement><Statement Type="BAL"><FPHeader><PeriodLength>12</PeriodLength></FPHeader>${li("ATOT", f.revenueTtm * g * 0.9)}${li("LTLL", f.revenueTtm * g * 0.7)}</Statement><Statement Type="CAS"><FPHeader><PeriodLength>12</PeriodLength></FPHeader>${li("OTLO", f.netIncomeTtm * g * 1.2)}</Statement></FiscalPeriod>`;
  };
  const annual = [0, 1, 2, 3].map((k) => period(f.fiscalYear - k, k)).join("");
  return `${HEAD}<ReportFinancialStatements Major="1" Minor="0" Revision="1">${coIds(i)}<FinancialStatements><COAMap><mapItem coaItem="RTLR" statementType="INC" lineID="10" precision="1">Total Revenue</mapItem><mapItem coaItem="NINC" statementType="INC" lineID="20" precision="1">Net Income</mapItem></COAMap><AnnualPeriods>${annual}</AnnualPeriods></FinancialStatements></ReportFinancialStatements>`;
}

function resc(i: Instrument, f: Fundamentals): string {
  const est = (k: number) => (f.epsTtm * (1 + 0.08 * k)).toFixed(2);
  return `${HEAD}<REPORT><Company><SecurityInfo><Security code="1"><SecIds><SecId type="TICKER">${i.symbol}</SecId></SecIds><MarketData><MarketDataItem type="CLPRICE" unit="U">${i.price.toFixed(2)}</MarketDataItem></MarketData></Security></SecurityInfo></Company><Actuals><FYActual fieldName="EPS" unit="U"><FYPeriod fYear="${f.fiscalYear}" periodType="A" endMonth="12"><ActValue>${f.epsTtm.toFixed(2)}</ActValue></FYPeriod></FYActual></Actuals><ConsEstimates><FYEstimates><FYEstimate fieldName="EPS" unit="U"><FYPeriod fYear="${f.fiscalYear + 1}" periodType="A" endMonth="12"><ConsEstimate type="Mean"><ConsValue dateType="CURR">${est(1)}</ConsValue></ConsEstimate><ConsEstimate type="High"><ConsValue dateType="CURR">${est(2)}</ConsValue></ConsEstimate><ConsEstimate type="Low"><ConsValue dateType="CURR">${est(0)}</ConsValue></ConsEstimate><ConsEstimate type="NumOfEst"><ConsValue dateType="CURR">${20 + (i.conId % 20)}</ConsValue></ConsEstimate></FYPeriod></FYEstimate></FYEstimates></ConsEstimates></REPORT>`;
}

function calendar(i: Instrument, today: Date): string {
  const next = new Date(today.getTime() + (20 + (i.conId % 60)) * 86_400_000);
  const d = `${String(next.getUTCMonth() + 1).padStart(2, "0")}/${String(next.getUTCDate()).padStart(2, "0")}/${next.getUTCFullYear()}`;
  return `${HEAD}<CalendarReport><Company><Ticker>${i.symbol}</Ticker><CompanyName>${esc(i.longName)}</CompanyName><EarningsList><Earnings><Period>Q${Math.floor(next.getUTCMonth() / 3) + 1}</Period><Date>${d}</Date><Time>After Market</Time></Earnings></EarningsList></Company></CalendarReport>`;
}

/** The report XML shaped like IB's, or undefined when the instrument has no fundamentals or the type is unknown. */
export function fundamentalXml(i: Instrument, reportType: string, today = new Date()): string | undefined {
  if (!i.hasFundamentals) return undefined;
  const f = fundamentalsOf(i, today);
  switch (reportType) {
    case "ReportSnapshot":
      return snapshot(i, f);
    case "ReportsFinSummary":
      return finSummary(f);
    case "ReportsOwnership":
      return ownership(i, f);
    case "ReportsFinStatements":
      return finStatements(i, f);
    case "RESC":
      return resc(i, f);
    case "CalendarReport":
      return calendar(i, today);
    default:
      return undefined;
  }
}
