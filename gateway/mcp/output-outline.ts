type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A nested object as tools/list shows it: an object, the fields it always has, and what its description and its
 * fields' descriptions say (formats and units: "time: ISO 8601 UTC"). Its full shape is what the tool's
 * description names in words and what every result shows; listing it field by field in every tool cost half of
 * tools/list.
 */
function outlineObject(s: Schema): Schema {
  const notes: string[] = typeof s.description === "string" ? [s.description] : [];
  for (const [name, field] of Object.entries(isSchema(s.properties) ? s.properties : {}))
    if (isSchema(field) && typeof field.description === "string") notes.push(`${name}: ${field.description}`);
  const out: Schema = { type: "object" };
  if (notes.length > 0) out.description = notes.join("; ");
  if (Array.isArray(s.required) && s.required.length > 0) out.required = s.required;
  return out;
}

/** A top-level field: scalars and arrays of scalars as they are, objects (in arrays too) outlined. */
function outlineField(s: unknown): unknown {
  if (!isSchema(s)) return s;
  if (s.type === "object" && isSchema(s.properties)) return outlineObject(s);
  if (s.type === "array" && isSchema(s.items)) return { ...s, items: outlineField(s.items) };
  for (const key of ["anyOf", "oneOf"] as const)
    if (Array.isArray(s[key])) return { ...s, [key]: s[key].map(outlineField) };
  return s;
}

/**
 * The output schema a tool lists: every top-level field with its type, nested objects outlined. It accepts
 * everything the full schema accepts (it only leaves constraints out), so a client that validates
 * structuredContent against it, as the SDK client does, accepts every result the connector sends.
 */
export function outlineOutput(schema: unknown): unknown {
  if (!isSchema(schema) || !isSchema(schema.properties)) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([name, field]) => [name, outlineField(field)]),
  );
  return { ...schema, properties };
}
