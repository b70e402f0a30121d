import type { GatewayEnv } from "../shared/config.ts";
import { ConfigError } from "../shared/config.ts";

/**
 * Bearer tokens from MCP_AUTH_TOKENS (comma-separated) and MCP_AUTH_TOKENS_FILE (one per line, `#` comments).
 * Duplicates are dropped; an unreadable file is a ConfigError naming the variable, never the file's content.
 * The file comes through `readFile`, which only runtimes with a file system pass: elsewhere (a Worker) a token
 * file is refused rather than ignored, since ignoring it could leave the gateway open.
 */
export function loadTokens(
  env: Pick<GatewayEnv, "MCP_AUTH_TOKENS" | "MCP_AUTH_TOKENS_FILE">,
  readFile?: (path: string) => string,
): string[] {
  const tokens = [...env.MCP_AUTH_TOKENS];
  if (env.MCP_AUTH_TOKENS_FILE !== undefined) {
    if (!readFile) {
      throw new ConfigError(
        "MCP_AUTH_TOKENS_FILE: this runtime has no file system to read it from; put the tokens in MCP_AUTH_TOKENS (a secret)",
      );
    }
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
