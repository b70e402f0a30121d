import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeConnectFailure, ibErrorToIbMcp } from "./ib-errors.ts";

describe("ibErrorToIbMcp", () => {
  it("maps IB codes to the shared codes", () => {
    const cases: Array<[number, string, string]> = [
      [200, "No security definition has been found for the request", "NOT_FOUND"],
      [
        162,
        "Historical Market Data Service error message:Historical data request pacing violation",
        "RATE_LIMITED",
      ],
      [354, "Requested market data is not subscribed.", "NO_MARKET_DATA_PERMISSION"],
      [
        10167,
        "Requested market data is not subscribed. Displaying delayed market data.",
        "NO_MARKET_DATA_PERMISSION",
      ],
      [
        10168,
        "Requested market data is not subscribed. Delayed market data is not enabled",
        "NO_MARKET_DATA_PERMISSION",
      ],
      [502, "Couldn't connect to TWS.", "IB_UNAVAILABLE"],
      [504, "Not connected", "IB_UNAVAILABLE"],
      [1100, "Connectivity between IB and Trader Workstation has been lost.", "IB_UNAVAILABLE"],
      [326, "Unable to connect as the client id is already in use.", "CLIENT_ID_IN_USE"],
      [321, "Error validating request.-'bW' : cause - Invalid duration", "INVALID_ARGUMENT"],
      [10314, "End Date/Time: The date, time, or time-zone entered is invalid.", "INVALID_ARGUMENT"],
      [10_999, "Something new", "INTERNAL"],
    ];
    for (const [code, text, expected] of cases) {
      const err = ibErrorToIbMcp(code, text, "AAPL (STK on SMART, USD)");
      assert.equal(err.code, expected, `${code}`);
      assert.ok(err.message.includes(String(code)), `${code}: the message keeps IB's code`);
    }
  });

  it("names the symbol when IB has no security definition", () => {
    const err = ibErrorToIbMcp(200, "No security definition has been found", "AAPLX (STK on SMART, USD)");
    assert.match(err.message, /^No security definition for AAPLX \(STK on SMART, USD\)/);
    assert.equal(err.retryable, false);
  });

  it("answers an unknown news article (10172) NOT_FOUND naming the article", () => {
    const e = ibErrorToIbMcp(
      10172,
      "Failed to request news article: No data available for BRFG BRFG$nope",
      "article BRFG$nope of BRFG",
    );
    assert.equal(e.code, "NOT_FOUND");
    assert.match(e.message, /article BRFG\$nope of BRFG/);
    assert.match(e.message, /get_historical_news/);
  });

  it("gives pacing and outages a retry time", () => {
    assert.ok((ibErrorToIbMcp(162, "pacing violation").retryAfterMs ?? 0) > 0);
    const down = ibErrorToIbMcp(1100, "lost");
    assert.ok((down.retryAfterMs ?? 0) > 0);
    assert.equal(down.retryable, true);
  });
});

describe("describeConnectFailure", () => {
  it("names host:port, the OS error and the usual ports", () => {
    const msg = describeConnectFailure("127.0.0.1", 4999, "connect ECONNREFUSED 127.0.0.1:4999");
    for (const part of ["127.0.0.1:4999", "ECONNREFUSED", "4002", "4001", "7497", "7496", "4004", "4003"])
      assert.ok(msg.includes(part), part);
  });
});

describe("market data lines", () => {
  it("turns IB 101 (max number of tickers) into RATE_LIMITED with a retry hint naming the setting", () => {
    const e = ibErrorToIbMcp(101, "Max number of tickers has been reached", "AAPL (STK on SMART, USD)");
    assert.equal(e.code, "RATE_LIMITED");
    assert.equal(e.retryAfterMs, 1_000);
    assert.match(e.message, /IB_MAX_MARKET_DATA_LINES/);
  });
});
