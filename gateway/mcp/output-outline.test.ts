import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { catalogue } from "../../shared/tools/index.ts";
import { outlineOutput } from "./output-outline.ts";
import { buildToolList, compactSchema } from "./tool-list.ts";

type Schema = Record<string, unknown>;

/** A result with every field the full schema knows filled in (first enum value, one array element). */
function fullSample(s: Schema): unknown {
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf)) return fullSample(s.anyOf[0] as Schema);
  switch (s.type) {
    case "object":
      return Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([k, v]) => [k, fullSample(v)]),
      );
    case "array":
      return [fullSample(s.items as Schema)];
    case "string":
      return "x";
    case "integer":
      return 1;
    case "number":
      return 1.5;
    case "boolean":
      return true;
    default:
      return null;
  }
}

const fullOutput = (t: (typeof catalogue)[number]) =>
  compactSchema(toJsonSchemaCompat(t.output, { strictUnions: true, pipeStrategy: "output" }), true) as Schema;
const listed = new Map(buildToolList(catalogue).tools.map((t) => [t.name, t.outputSchema as Schema]));
const validator = new AjvJsonSchemaValidator();

describe("outlined output schemas (tools/list)", () => {
  it("accept every field of every tool's full result, as the SDK client validates structuredContent", () => {
    for (const t of catalogue) {
      const sample = fullSample(fullOutput(t));
      assert.ok(
        t.output.safeParse(sample).success,
        `${t.name}: the sample is a result the connector may send`,
      );
      const check = validator.getValidator(listed.get(t.name)!);
      assert.equal(check(sample).valid, true, `${t.name}: ${check(sample).errorMessage}`);
    }
  });

  it("keep every top-level field with its full schema, and what is required at the top", () => {
    for (const t of catalogue) {
      const full = fullOutput(t);
      const out = listed.get(t.name)!;
      assert.deepEqual(out.required, full.required, t.name);
      const fields = full.properties as Record<string, Schema>;
      assert.deepEqual(Object.keys(out.properties as object), Object.keys(fields), t.name);
      for (const [name, field] of Object.entries(fields)) {
        const nested = field.type === "object" || (field.items as Schema | undefined)?.type === "object";
        if (!nested) assert.deepEqual((out.properties as Schema)[name], field, `${t.name}.${name}`);
      }
    }
  });

  it("still refuse a nested object that lacks a field it always has, and keep formats and units", () => {
    const bars = listed.get("get_historical_data")!;
    const check = validator.getValidator(bars);
    const ok = fullSample(fullOutput(catalogue.find((t) => t.name === "get_historical_data")!)) as Schema;
    assert.equal(check(ok).valid, true);
    const { conId: _, ...noConId } = ok.contract as Schema;
    assert.equal(check({ ...ok, contract: noConId }).valid, false, "a contract without conId");
    const { close: __, ...noClose } = (ok.bars as Schema[])[0]!;
    assert.equal(check({ ...ok, bars: [noClose] }).valid, false, "a bar without close");
    const items = (bars.properties as Record<string, Schema>).bars!.items as Schema;
    assert.match(String(items.description), /time: .*ISO 8601 UTC/);
  });

  it("leave a schema without top-level fields as it is", () => {
    assert.deepEqual(outlineOutput({ type: "object" }), { type: "object" });
    assert.deepEqual(outlineOutput({ type: "object", properties: {} }), { type: "object", properties: {} });
  });
});
