import type { z } from "zod";

/** Zod issues as one message naming each field, e.g. "invalid arguments for get_quote: symbols: give at least one symbol". */
export function describeIssues(tool: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`);
  return `invalid arguments for ${tool}: ${parts.join("; ")}`;
}
