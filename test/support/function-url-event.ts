import type { LambdaEvent } from "hono/aws-lambda";

/** A Lambda function URL request (API Gateway payload v2), as AWS sends it for a POST with a JSON body. */
export function functionUrlEvent(opts: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
}): LambdaEvent {
  const method = opts.method ?? "POST";
  const path = opts.path ?? "/mcp";
  const domainName = "abcdefghij.lambda-url.eu-west-1.on.aws";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: domainName, "x-forwarded-proto": "https", ...opts.headers },
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghij",
      authentication: null,
      authorizer: {} as never,
      domainName,
      domainPrefix: "abcdefghij",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "ib-mcp-test" },
      requestId: crypto.randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: opts.body === undefined ? null : JSON.stringify(opts.body),
    isBase64Encoded: false,
  };
}
