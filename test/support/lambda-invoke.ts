/**
 * Invokes the Lambda handler (gateway/runtime/lambda.ts) in this process, as the Lambda runtime would: one
 * module load, then each function-URL event (API Gateway v2 shape) of the JSON file given as argv[2], one after
 * the other. Prints one JSON line per invocation: statusCode, headers, body and how long it took.
 * Run with node --experimental-websocket on Node 20 (Lambda's Node 22 runtime has WebSocket built in).
 */
import { readFileSync } from "node:fs";
import type { LambdaEvent } from "hono/aws-lambda";

const events = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as LambdaEvent[];
const { handler } = await import("../../gateway/runtime/lambda.ts");
for (const event of events) {
  const started = performance.now();
  const res = await handler(event);
  const ms = performance.now() - started;
  console.log(JSON.stringify({ statusCode: res.statusCode, headers: res.headers, body: res.body, ms }));
}
process.exit(0);
