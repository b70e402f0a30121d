import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AuthSetup } from "../auth/auth-setup.ts";
import { type Refused, refuse } from "../auth/challenge.ts";
import { anonymousPrincipal, type Principal } from "../auth/principal.ts";

export type AuthVariables = { Variables: { requestId: string; principal: Principal } };

const bearer = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
// header.payload.signature: only such a token is worth a JWT check
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Decides who calls: a static token's principal, an OAuth access token's, or, when no authentication is configured
 * at all, `anonymous` with every scope (the gateway's switches still apply). The principal is set here and only
 * here; nothing the agent sends (an X-Principal header, `_meta`) is read. Refusals are 401/400/403/503 with a
 * WWW-Authenticate challenge and a JSON-RPC body that says how to get in; the token is never logged.
 */
export function authenticate(auth: AuthSetup, logger: Logger): MiddlewareHandler<AuthVariables> {
  return async function authenticate(c, next) {
    const set = auth.principals();
    if (!set.hasTokens && !auth.oauth) {
      c.set("principal", anonymousPrincipal);
      return next();
    }
    // info, not warn: clients probe without a token as a matter of course (mcp-remote, OAuth discovery)
    const no = (refused: Refused) => {
      logger.info(
        { requestId: c.get("requestId"), status: refused.status, reason: refused.why },
        "caller refused",
      );
      return refuse(c, auth, refused);
    };
    const header = c.req.header("Authorization");
    if (header === undefined) return no({ status: 401, why: "no Authorization header" });
    const token = bearer.exec(header)?.[1];
    if (token === undefined)
      return no({ status: 400, why: "the Authorization header must be `Bearer <token>`" });

    const found = await set.match(token);
    if ("principal" in found) {
      c.set("principal", found.principal);
      return next();
    }
    if ("ambiguous" in found) {
      logger.error(
        { principals: found.ambiguous },
        "two principals share one token; the operator must give each its own",
      );
      return no({
        status: 401,
        error: "invalid_token",
        why: "this token belongs to more than one principal",
      });
    }
    if (!auth.oauth || !jwtShape.test(token))
      return no({
        status: 401,
        error: "invalid_token",
        why: "the bearer token is not one this gateway accepts",
      });

    const outcome = await auth.oauth.verify(token, set.staticNames);
    if ("unavailable" in outcome)
      return no({ status: 503, why: `the access token cannot be checked now: ${outcome.unavailable}` });
    if ("invalid" in outcome) return no({ status: 401, error: "invalid_token", why: outcome.invalid });
    if (outcome.principal.scopes.size === 0)
      return no({
        status: 403,
        scope: auth.oauth.scopeNames.read,
        why: `the access token grants none of ${Object.values(auth.oauth.scopeNames).join(", ")}`,
      });
    c.set("principal", outcome.principal);
    return next();
  };
}
