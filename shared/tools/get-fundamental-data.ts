import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const FundamentalReportType = z.enum([
  "ReportSnapshot",
  "ReportsFinSummary",
  "ReportsOwnership",
  "ReportsFinStatements",
  "RESC",
  "CalendarReport",
]);

export const getFundamentalData = readTool({
  name: "get_fundamental_data",
  title: "Fundamental data",
  toolsets: ["fundamentals"],
  description:
    "A Refinitiv fundamental report for a stock (snapshot, financial summary, ownership, statements, estimates, calendar) as IB's XML, with a readable summary.",
  input: z.object({
    symbol: instrumentFields.symbol,
    report_type: FundamentalReportType.default("ReportsFinSummary"),
    exchange: instrumentFields.exchange,
    currency: instrumentFields.currency,
  }),
  output: z.object({ contract: ContractSummary, reportType: z.string(), xml: z.string() }),
  summarize: (o) =>
    `${o.reportType} for ${o.contract.symbol} (conId ${o.contract.conId}), ${o.xml.length} characters of XML:\n${o.xml.slice(0, 4000)}`,
});
