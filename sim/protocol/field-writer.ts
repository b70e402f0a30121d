/** A value as a reply field: undefined becomes "", booleans 1/0, numbers their shortest decimal text. */
export type Field = string | number | boolean | undefined;

/** Converts reply values to wire strings. */
export function toWire(fields: readonly Field[]): string[] {
  return fields.map((f) => {
    if (f === undefined) return "";
    if (typeof f === "boolean") return f ? "1" : "0";
    if (typeof f === "number") return Number.isFinite(f) ? String(f) : "";
    return f;
  });
}
