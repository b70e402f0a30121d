import { readFileSync } from "node:fs";
import type { GatewayEnv } from "../shared/config.ts";
import { ConfigError } from "../shared/config.ts";

/**
 * Bearer tokens from MCP_AUTH_TOKENS (comma-separated) and MCP_AUTH_TOKENS_FILE (one per line, `#` comments).
 * Duplicates are dropped; an unreadable file is a ConfigError naming the variable, never the file's content.
 */
export function loadTokens(
  env: Pick<GatewayEnv, "MCP_AUTH_TOKENS" | "MCP_AUTH_TOKENS_FILE">,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): string[] {
  const tokens = [...env.MCP_AUTH_TOKENS];
  if (env.MCP_AUTH_TOKENS_FILE !== undefined) {
    let text: string;
    try {
      text = readFile(env.MCP_AUTH_TOKENS_FILE);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ConfigError(
        `MCP_AUTH_TOKENS_FILE: cannot read ${env.MCP_AUTH_TOKENS_FILE} (${reason}); point it at a readable file with one token per line`,
      );
    }
    for (const line of text.split(/\r?\n/)) {
      const t = line.trim();
      if (t && !t.startsWith("#")) tokens.push(t);
    }
  }
  const bad = tokens.find((t) => !/^[A-Za-z0-9._~+/-]+=*$/.test(t));
  if (bad !== undefined) {
    throw new ConfigError(
      "MCP_AUTH_TOKENS / MCP_AUTH_TOKENS_FILE: a token contains characters a bearer token cannot carry (use letters, digits and ._~+/-)",
    );
  }
  return [...new Set(tokens)];
}
