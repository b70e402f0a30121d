import type { Server } from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import { freePort } from "./free-port.ts";

export interface OidcClient {
  clientId: string;
  secret: string;
  /** The scope values the provider grants this client at most (it grants only what is also asked for). */
  scope: string;
  /** Access token lifetime in seconds (default 300). */
  ttlS?: number;
}

export interface OidcProviderHandle {
  issuer: string;
  /** The signing key's id (a forged token can claim it). */
  kid: string;
  /** A client-credentials access token (a JWT) for `resource`, asking for `scope`. */
  token(client: OidcClient, resource: string, scope: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider, certified) on 127.0.0.1: client credentials grant, resource indicators,
 * RS256 JWT access tokens whose audience is the requested resource. The ib:* scopes are resource scopes, granted
 * per client.
 */
export async function startOidcProvider(clients: OidcClient[]): Promise<OidcProviderHandle> {
  const { default: Provider } = await import("oidc-provider");
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = "test-key-1";
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.secret,
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: { clientId: string }) => {
          const c = byId.get(client.clientId);
          return {
            audience: resource,
            scope: c?.scope ?? "",
            accessTokenFormat: "jwt",
            accessTokenTTL: c?.ttlS ?? 300,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, "127.0.0.1", () => resolve(s));
  });
  return {
    issuer,
    kid,
    async token(client, resource, scope) {
      const res = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${btoa(`${client.clientId}:${client.secret}`)}`,
        },
        body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!res.ok || !body.access_token)
        throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
