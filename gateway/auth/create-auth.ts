import { ConfigError, type GatewayEnv } from "../../shared/config.ts";
import type { AuthSetup } from "./auth-setup.ts";
import { loadPrincipals } from "./load-principals.ts";
import { createOAuthVerifier } from "./oauth-verifier.ts";
import { createPrincipalSet, type PrincipalSet } from "./principal-set.ts";

export interface GatewayAuth {
  setup: AuthSetup;
  /** What authenticates callers: "static tokens", "OAuth"; empty when the gateway is open. */
  methods(): string[];
  /**
   * Reads MCP_PRINCIPALS_FILE (and the token files) again and swaps the set in; requests in flight keep the
   * principal they were given. Throws a ConfigError (naming the variable, never a token) and keeps the old set when
   * the new one is bad, or would leave a gateway that required tokens open.
   */
  reload(): PrincipalSet;
}

type ReadFile = (path: string) => string;

/** The gateway's authentication from its env: static principals (reloadable) and, with MCP_OAUTH_ISSUER, OAuth. */
export function createGatewayAuth(
  env: GatewayEnv,
  opts: { readFile?: ReadFile; tokens?: string[] } = {},
): GatewayAuth {
  // Tokens handed in directly (tests, callers that read them already) replace MCP_AUTH_TOKENS and its file.
  const source =
    opts.tokens === undefined
      ? env
      : { ...env, MCP_AUTH_TOKENS: opts.tokens, MCP_AUTH_TOKENS_FILE: undefined };
  const load = () => createPrincipalSet(loadPrincipals(source, opts.readFile));
  let current = load();
  const oauth =
    env.MCP_OAUTH_ISSUER !== undefined && env.MCP_OAUTH_AUDIENCE !== undefined
      ? {
          issuer: env.MCP_OAUTH_ISSUER,
          scopeNames: env.MCP_OAUTH_SCOPES,
          resource:
            env.MCP_OAUTH_RESOURCE ??
            (/^https?:\/\//.test(env.MCP_OAUTH_AUDIENCE) ? env.MCP_OAUTH_AUDIENCE : undefined),
          verify: createOAuthVerifier({
            issuer: env.MCP_OAUTH_ISSUER,
            audience: env.MCP_OAUTH_AUDIENCE,
            algorithms: env.MCP_OAUTH_ALGORITHMS,
            clockSkewS: env.MCP_OAUTH_CLOCK_SKEW_S,
            mapping: { nameClaims: env.MCP_OAUTH_NAME_CLAIMS, scopeNames: env.MCP_OAUTH_SCOPES },
          }),
        }
      : undefined;
  const setup: AuthSetup = { principals: () => current, ...(oauth ? { oauth } : {}) };
  return {
    setup,
    methods: () => [...(current.hasTokens ? ["static tokens"] : []), ...(oauth ? ["OAuth"] : [])],
    reload() {
      const next = load();
      if (current.hasTokens && !next.hasTokens && !oauth)
        throw new ConfigError(
          `${env.MCP_PRINCIPALS ? "MCP_PRINCIPALS" : "MCP_PRINCIPALS_FILE"}: the new set has no token at all, which would open a gateway that required one; kept the old set`,
        );
      current = next;
      return next;
    },
  };
}
