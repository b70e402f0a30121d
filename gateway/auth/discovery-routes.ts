import type { Hono } from "hono";
import { type AuthSetup, resourceOf, STATIC_TOKEN_HINT } from "./auth-setup.ts";

// biome-ignore lint/suspicious/noExplicitAny: mounted on the gateway's app, whatever its variables
type AnyHono = Hono<any>;

const prm = ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*"];
const asMetadata = [
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-authorization-server/*",
  "/.well-known/openid-configuration",
  "/.well-known/openid-configuration/*",
];

/**
 * The OAuth discovery paths MCP clients probe on a 401. With OAuth on: RFC 9728 protected resource metadata (at the
 * root and path-suffixed for /mcp) pointing at the issuer, and a pointer to it where a client looks for an
 * authorization server here. Without: every path, and POST /register (where the SDK and mcp-remote end up, and whose
 * OAuth-shaped error they show as is), answers 404 saying plainly to send a static bearer token.
 */
export function mountAuthDiscovery(app: AnyHono, auth: AuthSetup): void {
  const oauth = auth.oauth;
  if (!oauth) {
    const plain = { error: "invalid_request", error_description: STATIC_TOKEN_HINT };
    for (const path of [...prm, ...asMetadata]) app.get(path, (c) => c.json(plain, 404));
    app.post("/register", (c) => c.json({ ...plain, error: "access_denied" }, 404));
    return;
  }
  for (const path of prm)
    app.get(path, (c) =>
      c.json({
        resource: resourceOf(oauth, c.req.url),
        authorization_servers: [oauth.issuer],
        scopes_supported: Object.values(oauth.scopeNames),
        bearer_methods_supported: ["header"],
        resource_name: "ib-mcp",
      }),
    );
  const elsewhere = `this server is an OAuth resource server; its authorization server is ${oauth.issuer} (see /.well-known/oauth-protected-resource)`;
  for (const path of asMetadata)
    app.get(path, (c) => c.json({ error: "invalid_request", error_description: elsewhere }, 404));
  app.post("/register", (c) =>
    c.json(
      { error: "access_denied", error_description: `register clients with ${oauth.issuer}, not here` },
      404,
    ),
  );
}
