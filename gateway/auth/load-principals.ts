import { ConfigError, type GatewayEnv } from "../../shared/config.ts";
import { type PrincipalsFile, parsePrincipalsFile, type Scope } from "../../shared/principals.ts";
import { loadTokens } from "../tokens.ts";
import { ALL_SCOPES } from "./principal.ts";

/** A principal that proves itself with a static bearer token: the token's SHA-256 (hex) or the token itself. */
export interface StaticEntry {
  name: string;
  scopes: ReadonlySet<Scope>;
  secret: { sha256: string } | { token: string };
}

export interface LoadedPrincipals {
  /** The parsed principals file, when one is configured (the connector reads the same file for weights/quotas). */
  file: PrincipalsFile | undefined;
  /** Every static-token principal: the file's entries that have a token, then MCP_AUTH_TOKENS' token-1, token-2, … */
  entries: StaticEntry[];
}

type Env = Pick<
  GatewayEnv,
  "MCP_AUTH_TOKENS" | "MCP_AUTH_TOKENS_FILE" | "MCP_PRINCIPALS_FILE" | "MCP_PRINCIPALS"
>;
type ReadFile = (path: string) => string;

const reasonOf = (cause: unknown) => (cause as NodeJS.ErrnoException).code ?? "unreadable";
const bearerChars = /^[A-Za-z0-9._~+/-]+=*$/;

/** The text of the principals file (MCP_PRINCIPALS_FILE) or of MCP_PRINCIPALS, with the variable it came from. */
function principalsText(env: Env, readFile?: ReadFile): { text: string; variable: string } | undefined {
  if (env.MCP_PRINCIPALS !== undefined) return { text: env.MCP_PRINCIPALS, variable: "MCP_PRINCIPALS" };
  const path = env.MCP_PRINCIPALS_FILE;
  if (path === undefined) return undefined;
  if (!readFile)
    throw new ConfigError(
      "MCP_PRINCIPALS_FILE: this runtime has no file system to read it from; put the file's content in MCP_PRINCIPALS (a secret)",
    );
  try {
    return { text: readFile(path), variable: "MCP_PRINCIPALS_FILE" };
  } catch (cause) {
    throw new ConfigError(
      `MCP_PRINCIPALS_FILE: cannot read ${path} (${reasonOf(cause)}); point it at a readable YAML or JSON file`,
    );
  }
}

/** The token in a principal's token_file: its first non-empty line. Errors name the principal, never the token. */
function tokenFromFile(name: string, path: string, variable: string, readFile?: ReadFile): string {
  const where = `${variable}: principal "${name}": token_file ${path}`;
  if (!readFile) throw new ConfigError(`${where}: this runtime has no file system; use token_sha256 instead`);
  let text: string;
  try {
    text = readFile(path);
  } catch (cause) {
    throw new ConfigError(`${where}: cannot read it (${reasonOf(cause)})`);
  }
  const token = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find(Boolean);
  if (!token || !bearerChars.test(token))
    throw new ConfigError(
      `${where}: holds no bearer token (one line of letters, digits and ._~+/- expected)`,
    );
  return token;
}

/**
 * Static principals from MCP_PRINCIPALS_FILE (or MCP_PRINCIPALS) and MCP_AUTH_TOKENS / MCP_AUTH_TOKENS_FILE, which
 * become token-1, token-2, … with every scope. A file principal named like one of those, or two principals with
 * the same token hash, is refused: a name must say who called. Errors are ConfigErrors naming the variable, never
 * a token.
 */
export function loadPrincipals(env: Env, readFile?: ReadFile): LoadedPrincipals {
  const source = principalsText(env, readFile);
  let file: PrincipalsFile | undefined;
  if (source) {
    try {
      file = parsePrincipalsFile(source.text);
    } catch (err) {
      throw new ConfigError((err as Error).message.replace(/^MCP_PRINCIPALS_FILE:/, `${source.variable}:`));
    }
  }
  const variable = source?.variable ?? "MCP_PRINCIPALS_FILE";
  const entries: StaticEntry[] = [];
  for (const p of file?.principals ?? []) {
    const scopes = new Set(p.scopes);
    if (p.token_sha256 !== undefined)
      entries.push({ name: p.name, scopes, secret: { sha256: p.token_sha256.toLowerCase() } });
    else if (p.token_file !== undefined)
      entries.push({
        name: p.name,
        scopes,
        secret: { token: tokenFromFile(p.name, p.token_file, variable, readFile) },
      });
  }
  const tokens = loadTokens(env, readFile);
  const fileNames = new Set(file?.principals.map((p) => p.name));
  tokens.forEach((token, i) => {
    const name = `token-${i + 1}`;
    if (fileNames.has(name))
      throw new ConfigError(
        `${variable}: principal "${name}" clashes with the name MCP_AUTH_TOKENS / MCP_AUTH_TOKENS_FILE give their token number ${i + 1}; rename it in the file`,
      );
    entries.push({ name, scopes: ALL_SCOPES, secret: { token } });
  });
  refuseSharedSecrets(entries, variable);
  return { file, entries };
}

/** Two principals with one token could not be told apart; the error names both, not the token. */
function refuseSharedSecrets(entries: readonly StaticEntry[], variable: string): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = "sha256" in e.secret ? `h:${e.secret.sha256}` : `t:${e.secret.token}`;
    const other = seen.get(key);
    if (other !== undefined)
      throw new ConfigError(
        `${variable}: principals "${other}" and "${e.name}" have the same token; give each its own`,
      );
    seen.set(key, e.name);
  }
}
