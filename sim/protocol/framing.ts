import { SimProtocolError } from "../errors.ts";

/** The most a single frame may carry, as in IB's own clients (16 MB). */
export const MAX_FRAME_LENGTH = 0xffffff;

const API_PREFIX = Buffer.from("API\0", "latin1");

/** A parsed client message: its NUL-separated fields. */
export type Fields = string[];

/** Splits one frame body into fields; IB frames end with a NUL, so the last empty piece is dropped. */
export function splitFields(body: Buffer): Fields {
  const text = body.toString("utf8");
  const parts = text.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** Encodes one length-prefixed frame from fields, each followed by a NUL. */
export function encodeFrame(fields: readonly string[]): Buffer {
  const body = Buffer.from(fields.map((f) => `${f}\0`).join(""), "utf8");
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** What the byte stream yielded so far. */
export type FrameEvent = { kind: "handshake"; versions: string } | { kind: "message"; fields: Fields };

/**
 * Incremental reader for the client side of a TWS v100+ connection: first "API\0" plus one
 * length-prefixed version range, then length-prefixed messages. Throws SimProtocolError on bad bytes.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private handshakeDone = false;

  push(chunk: Buffer): FrameEvent[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      if (!this.handshakeDone) {
        const prefixLen = Math.min(this.buf.length, API_PREFIX.length);
        if (!this.buf.subarray(0, prefixLen).equals(API_PREFIX.subarray(0, prefixLen))) {
          throw new SimProtocolError('bad handshake: the stream must start with "API\\0"');
        }
        if (this.buf.length < API_PREFIX.length + 4) return out;
        const body = this.takeFrame(API_PREFIX.length);
        if (!body) return out;
        const versions = body.toString("latin1").replace(/\0+$/, "");
        // connect options (e.g. " +PACEAPI") may follow the range
        if (!/^v\d+(\.\.\d+)?(\s.*)?$/.test(versions)) {
          throw new SimProtocolError(`bad handshake: version range "${versions.slice(0, 40)}"`);
        }
        this.handshakeDone = true;
        out.push({ kind: "handshake", versions });
        continue;
      }
      if (this.buf.length < 4) return out;
      const body = this.takeFrame(0);
      if (!body) return out;
      out.push({ kind: "message", fields: splitFields(body) });
    }
  }

  /** Bytes received but not yet forming a whole frame. */
  get pending(): number {
    return this.buf.length;
  }

  private takeFrame(offset: number): Buffer | undefined {
    const len = this.buf.readUInt32BE(offset);
    if (len === 0 || len > MAX_FRAME_LENGTH) {
      throw new SimProtocolError(`bad frame length ${len}`);
    }
    const end = offset + 4 + len;
    if (this.buf.length < end) return undefined;
    const body = this.buf.subarray(offset + 4, end);
    this.buf = this.buf.subarray(end);
    return body;
  }
}

/** Parses "v100..193" (or "v100") into the highest version the client accepts. */
export function maxClientVersion(versions: string): number {
  const m = /^v(\d+)(?:\.\.(\d+))?(?:\s.*)?$/.exec(versions);
  if (!m) return 0;
  return Number(m[2] ?? m[1]);
}
