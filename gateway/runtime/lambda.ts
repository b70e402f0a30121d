/**
 * The gateway on AWS Lambda behind a function URL (Hono's aws-lambda adapter; function URLs send API Gateway v2
 * events). Handler: `gateway/runtime/lambda.handler` in a bundle of this file. Configuration from the function's
 * env vars, as everywhere; the function URL is public, so HOST defaults to 0.0.0.0 and a token is required.
 *
 * Cold start: the first invocation of an execution environment connects to NATS (one round trip over TCP, a
 * WebSocket handshake more over ws://) before it answers. The connection lives at module scope, so every warm
 * invocation of that environment reuses it; while Lambda freezes the environment between invocations NATS
 * pings go unanswered, and the client reconnects by itself after a long freeze. A connection that failed is
 * retried on the next invocation; a configuration error fails every invocation with its message.
 */
import { handle, type LambdaEvent } from "hono/aws-lambda";
import { ConfigError } from "../../shared/config.ts";
import { jsonLogger, nodePlatform } from "./node.ts";
import { startGateway } from "./start-gateway.ts";

type Handler = ReturnType<typeof handle>;
let ready: Promise<Handler> | undefined;

function handlerFor(): Promise<Handler> {
  // Prometheus cannot scrape a Lambda function: metrics stay off (/metrics answers 404 and says so).
  const platform = { ...nodePlatform, logger: jsonLogger, metrics: undefined };
  ready ??= startGateway({ HOST: "0.0.0.0", ...process.env }, platform).then((s) => handle(s.gateway.app));
  ready.catch((err: unknown) => {
    if (!(err instanceof ConfigError)) ready = undefined;
  });
  return ready;
}

// Connect during the init phase (its own time budget), so the first invocation finds the connection open.
void handlerFor().catch(() => undefined);

export async function handler(event: LambdaEvent, context?: Parameters<Handler>[1]) {
  return (await handlerFor())(event, context);
}
