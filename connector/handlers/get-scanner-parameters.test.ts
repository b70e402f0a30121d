import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { summarizeScannerXml } from "./get-scanner-parameters.ts";

// The shape of IB's own document (trimmed): nested location trees, filters of several kinds, entities.
const IB_XML = `<?xml version="1.0" encoding="UTF-8"?>
<ScanParameterResponse>
  <InstrumentList varName="instrumentList">
    <Instrument><name>US Stocks</name><type>STK</type><filters>AFTERHRSCHANGEPERC,AVGOPTVOLUME</filters></Instrument>
    <Instrument><name>US Futures</name><type>FUT.US</type><filters>PRODCAT</filters></Instrument>
  </InstrumentList>
  <LocationTree varName="locationTree">
    <Location><displayName>US Stocks</displayName><locationCode>STK.US</locationCode><instruments>STK</instruments>
      <LocationTree>
        <Location><displayName>Listed/NASDAQ</displayName><locationCode>STK.US.MAJOR</locationCode><instruments>STK</instruments></Location>
        <Location><displayName>US OTC</displayName><locationCode>STK.US.MINOR</locationCode><instruments>STK</instruments></Location>
      </LocationTree>
    </Location>
    <Location><displayName>US Futures</displayName><locationCode>FUT.US</locationCode><instruments>FUT.US</instruments></Location>
  </LocationTree>
  <ScanTypeList varName="scanTypeList">
    <ScanType><displayName>Top % Gainers</displayName><scanCode>TOP_PERC_GAIN</scanCode><instruments>STK,STOCK.NA</instruments></ScanType>
    <ScanType><displayName>Most Active</displayName><scanCode>MOST_ACTIVE</scanCode><instruments>STK,FUT.US</instruments></ScanType>
    <ScanType><displayName>Bonds &amp; Notes</displayName><scanCode>BOND_CUSIP_AZ</scanCode><instruments>BOND</instruments></ScanType>
  </ScanTypeList>
  <FilterList varName="filterList">
    <RangeFilter><id>PRICE</id><AbstractField type="scanner.filter.DoubleField"><code>priceAbove</code><displayName>Price Above</displayName></AbstractField>
      <AbstractField type="scanner.filter.DoubleField"><code>priceBelow</code><displayName>Price Below</displayName></AbstractField></RangeFilter>
    <SimpleFilter><id>PRODCAT</id><AbstractField type="scanner.filter.StringField"><code>productCatEquals</code><displayName>Product</displayName></AbstractField></SimpleFilter>
  </FilterList>
</ScanParameterResponse>`;

describe("scanner parameter XML summary", () => {
  it("lists instruments, nested locations, scan codes and filter codes", () => {
    const s = summarizeScannerXml(IB_XML);
    assert.deepEqual(
      s.instruments.map((i) => i.code),
      ["STK", "FUT.US"],
    );
    assert.deepEqual(
      s.locations.map((l) => [l.code, l.name]),
      [
        ["STK.US", "US Stocks"],
        ["STK.US.MAJOR", "Listed/NASDAQ"],
        ["STK.US.MINOR", "US OTC"],
        ["FUT.US", "US Futures"],
      ],
    );
    assert.deepEqual(s.scanCodes[1], {
      code: "MOST_ACTIVE",
      name: "Most Active",
      instruments: ["STK", "FUT.US"],
    });
    assert.equal(s.scanCodes[2]?.name, "Bonds & Notes");
    assert.deepEqual(
      s.filters.map((f) => f.code),
      ["priceAbove", "priceBelow", "productCatEquals"],
    );
  });

  it("refuses a document that is not IB's scanner parameters", () => {
    assert.throws(() => summarizeScannerXml("<html></html>"), IbMcpError);
  });
});
