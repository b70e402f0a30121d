import { SCAN_CODES, SCAN_LOCATIONS } from "./scanner.ts";

const scanNames: Record<string, string> = {
  TOP_PERC_GAIN: "Top % Gainers",
  TOP_PERC_LOSE: "Top % Losers",
  TOP_OPEN_PERC_GAIN: "Top % Gainers Since Open",
  TOP_OPEN_PERC_LOSE: "Top % Losers Since Open",
  MOST_ACTIVE: "Most Active",
  MOST_ACTIVE_USD: "Most Active ($)",
  HOT_BY_VOLUME: "Hot Contracts by Volume",
};

const locationNames: Record<string, string> = {
  "STK.US": "US Stocks",
  "STK.US.MAJOR": "Listed/NASDAQ",
  "STK.NASDAQ": "NASDAQ",
  "STK.NYSE": "NYSE",
  "STK.ARCA": "NYSE Arca",
};

/** Range filters as IB's XML lists them: a filter id and its above/below field codes. */
const filters: Array<[id: string, codes: Array<[code: string, name: string]>]> = [
  [
    "PRICE",
    [
      ["priceAbove", "Price Above"],
      ["priceBelow", "Price Below"],
    ],
  ],
  ["VOLUME", [["volumeAbove", "Volume Above"]]],
  [
    "MKTCAP",
    [
      ["marketCapAbove1e6", "Market Cap Above (1e6)"],
      ["marketCapBelow1e6", "Market Cap Below (1e6)"],
    ],
  ],
];

function location(code: string): string {
  return `<Location><displayName>${locationNames[code] ?? code}</displayName><locationCode>${code}</locationCode><instruments>STK</instruments><routeExchange>SMART</routeExchange></Location>`;
}

/** reqScannerParameters' answer: a small document in the layout of IB's (ScanParameterResponse). */
export function scannerParametersXml(): string {
  const [top, ...rest] = SCAN_LOCATIONS;
  const [major, ...exchanges] = [
    "STK.US.MAJOR",
    ...rest.filter((c) => c !== "STK.US" && c !== "STK.US.MAJOR"),
  ];
  const tree =
    `<LocationTree varName="locationTree"><Location><displayName>${locationNames["STK.US"]}</displayName>` +
    `<locationCode>STK.US</locationCode><instruments>STK</instruments><routeExchange>SMART</routeExchange>` +
    `<LocationTree>${location(major ?? top ?? "STK.US.MAJOR")}${exchanges.map(location).join("")}</LocationTree></Location></LocationTree>`;
  const scans = SCAN_CODES.map(
    (c) =>
      `<ScanType><displayName>${scanNames[c] ?? c}</displayName><scanCode>${c}</scanCode><instruments>STK,ETF.EQ.US</instruments><absoluteColumns>false</absoluteColumns></ScanType>`,
  ).join("");
  const filterXml = filters
    .map(
      ([id, codes]) =>
        `<RangeFilter><id>${id}</id><category>Price &amp; Volume</category>${codes.map(([code, name]) => `<AbstractField type="scanner.filter.DoubleField"><code>${code}</code><displayName>${name}</displayName></AbstractField>`).join("")}</RangeFilter>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ScanParameterResponse>` +
    `<InstrumentList varName="instrumentList"><Instrument><name>US Stocks</name><type>STK</type><filters>PRICE,VOLUME,MKTCAP</filters></Instrument>` +
    `<Instrument><name>US Equity ETFs</name><type>ETF.EQ.US</type><filters>PRICE,VOLUME</filters></Instrument></InstrumentList>` +
    `${tree}<ScanTypeList varName="scanTypeList">${scans}</ScanTypeList>` +
    `<FilterList varName="filterList">${filterXml}</FilterList></ScanParameterResponse>`
  );
}
