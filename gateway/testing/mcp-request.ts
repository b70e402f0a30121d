import type { Hono } from "hono";

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its variables
type AnyHono = Hono<any>;

let nextId = 1;

/** POSTs one JSON-RPC request to `path` through `app.request` with the headers the streamable HTTP spec needs. */
export async function mcpRequest(
  app: AnyHono,
  method: string,
  params: unknown = {},
  headers: Record<string, string> = {},
  path = "/mcp",
) {
  const res = await app.request(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      Host: "127.0.0.1:48012",
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: the tests read JSON-RPC replies of any shape
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { res, json, text };
}
