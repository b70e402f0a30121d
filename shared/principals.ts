import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * What a principal may do. `read`: every read tool. `trade`: order tools on a paper gateway. `live`: order tools
 * on a live gateway (the gateway's and connector's live switches are still needed; a scope never replaces them).
 */
export const Scope = z.enum(["read", "trade", "live"]);
export type Scope = z.infer<typeof Scope>;

/** A principal's name: shown in logs, the audit log and metric labels, and sent to the connector in a header. */
export const PrincipalName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );
export type PrincipalName = z.infer<typeof PrincipalName>;

/** Per-principal limits the connector enforces (so they hold across any number of gateway replicas). */
export const Quotas = z
  .object({
    /** Tool calls started in any rolling minute. */
    calls_per_minute: z.number().int().positive().optional(),
    /** Tool calls running at the same time. */
    concurrent: z.number().int().positive().optional(),
    /** Historical-data requests (bars, ticks, histograms, head timestamps) in any rolling 10 minutes. */
    historical_per_10min: z.number().int().positive().optional(),
  })
  .strict();
export type Quotas = z.infer<typeof Quotas>;

/** The share of IB a principal gets when others are waiting too (weighted fair queuing); default 1. */
const Weight = z.number().positive().max(1000);

export const PrincipalEntry = z
  .object({
    name: PrincipalName,
    /** Hex SHA-256 of the bearer token: the file never holds a token itself. */
    token_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits (sha256sum of the token)")
      .optional(),
    /** Or a file holding the token (a mounted secret); read by the gateway at start and on SIGHUP. */
    token_file: z.string().min(1).optional(),
    scopes: z.array(Scope).min(1),
    weight: Weight.default(1),
    quotas: Quotas.default({}),
  })
  .strict()
  // Neither: no static token matches it; it names an OAuth principal so its weight and quotas apply (the access
  // token still brings the scopes). Both would leave it unclear which token is the principal's.
  .refine((p) => p.token_sha256 === undefined || p.token_file === undefined, {
    message: "give token_sha256 or token_file, not both",
    path: ["token_file"],
  });
export type PrincipalEntry = z.infer<typeof PrincipalEntry>;

export const PrincipalsFile = z
  .object({
    principals: z.array(PrincipalEntry).default([]),
    /** Weight and quotas for a principal the file does not list (MCP_AUTH_TOKENS' token-N, an OAuth subject). */
    defaults: z
      .object({ weight: Weight.default(1), quotas: Quotas.default({}) })
      .strict()
      .default({
        weight: 1,
        quotas: {},
      }),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.principals.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({
          code: "custom",
          path: ["principals", i, "name"],
          message: `"${p.name}" is listed twice`,
        });
      seen.add(p.name);
    });
  });
export type PrincipalsFile = z.infer<typeof PrincipalsFile>;

/**
 * Parses the text of MCP_PRINCIPALS_FILE (YAML, of which JSON is a subset). Throws an Error naming the
 * variable and the first problem; callers turn it into their ConfigError. No I/O here: the caller reads the file.
 */
export function parsePrincipalsFile(text: string): PrincipalsFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`MCP_PRINCIPALS_FILE: not valid YAML or JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const parsed = PrincipalsFile.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(top level)";
    throw new Error(`MCP_PRINCIPALS_FILE: ${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Weight and quotas of a principal by name: its entry, or the file's defaults. */
export function shareOf(file: PrincipalsFile, name: string): { weight: number; quotas: Quotas } {
  const entry = file.principals.find((p) => p.name === name);
  return entry ? { weight: entry.weight, quotas: entry.quotas } : file.defaults;
}

/** The principal of a call that carries none (in-process callers, tests, an older gateway). */
export const ANONYMOUS_PRINCIPAL = "anonymous";
