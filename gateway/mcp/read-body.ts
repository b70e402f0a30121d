const decoder = new TextDecoder();
const encoder = new TextEncoder();

// UTF-8 takes at most 3 bytes per UTF-16 unit, so only a long text needs encoding to be measured.
const withinBytes = (text: string, maxBytes: number) =>
  text.length * 3 <= maxBytes || encoder.encode(text).byteLength <= maxBytes;

/**
 * The request body as text, or `undefined` when it exceeds `maxBytes`. Counts the bytes that actually arrive,
 * so a missing or lying Content-Length (or chunked encoding) cannot slip a larger body through.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<string | undefined> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) return undefined;
  if (declared !== null && !req.headers.has("transfer-encoding")) {
    // @hono/node-server reads such a body straight from the socket (no web stream), and Node's HTTP parser
    // stops at Content-Length; the length check still refuses a longer body from any other source.
    const text = await req.text();
    return withinBytes(text, maxBytes) ? text : undefined;
  }
  if (req.body === null) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(all);
}
