import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBarTime } from "../ib/convert.ts";
import { xmlToText } from "./get-article.ts";
import { toIbNewsTime } from "./get-historical-news.ts";

describe("handler helpers", () => {
  it("turns article XML into readable text", () => {
    const xml =
      '<?xml version="1.0"?><html><h1>Apple &amp; Co</h1><p>First&nbsp;para.</p><p>Second &#8212; para</p><ul><li>one</li></ul></html>';
    assert.equal(xmlToText(xml), "## Apple & Co\n\nFirst para.\n\nSecond — para\n\n- one");
  });

  it("writes news dates in IB's format, a bare end date covering its whole day", () => {
    assert.equal(toIbNewsTime("2024-03-01", false), "2024-03-01 00:00:00.0");
    assert.equal(toIbNewsTime("2024-03-01", true), "2024-03-01 23:59:59.0");
    assert.equal(toIbNewsTime("2024-03-01 09:30", true), "2024-03-01 09:30:00.0");
    assert.equal(toIbNewsTime("2024-03-01 09:30:15", false), "2024-03-01 09:30:15.0");
  });

  it("writes bar times as dates for daily bars and ISO UTC for epoch seconds", () => {
    assert.equal(toBarTime("20240301"), "2024-03-01");
    assert.equal(toBarTime("1709285400"), "2024-03-01T09:30:00.000Z");
    assert.equal(toBarTime("20240301 09:30:00 US/Eastern"), "20240301 09:30:00 US/Eastern");
  });
});
