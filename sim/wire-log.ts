import { z } from "zod";

/** A C0 control (NUL splits fields, so never appears in one), DEL or C1 control anywhere in `s`. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** One client message as the simulator received it: every field exactly as it arrived between NULs. */
export const ReceivedMessage = z.object({
  /** Rises by one per message across every connection of the simulator. */
  seq: z.number().int(),
  /** The simulator's number for the connection (1 for the first one it accepted). */
  connection: z.number().int(),
  clientId: z.number().int().optional(),
  /** The message name (reqMatchingSymbols, placeOrder...), "unknown <id>", or "" when its id was unreadable. */
  name: z.string(),
  fields: z.array(z.string()),
  /**
   * Fields the handler left unread (-1 until handled). Not zero for every message (handlers skip trailing options
   * they ignore), so compare it between messages of one kind: a smuggled field adds one.
   */
  unread: z.number().int(),
});
export type ReceivedMessage = z.infer<typeof ReceivedMessage>;

/** What GET /received answers. */
export const ReceivedLog = z.object({
  lastSeq: z.number().int(),
  /** Kept messages after `since`, oldest first. */
  messages: z.array(ReceivedMessage),
  /** Messages with a control character in a field, never evicted by later traffic (up to FLAGGED_MAX). */
  withControlCharacters: z.array(ReceivedMessage),
});
export type ReceivedLog = z.infer<typeof ReceivedLog>;

/** Messages kept per connection, newest; older ones are dropped so a long run stays bounded. */
const PER_CONNECTION_MAX = 1_000;
/** Connections kept; the oldest is forgotten first. */
const CONNECTIONS_MAX = 32;
/** Flagged messages kept in full. */
const FLAGGED_MAX = 100;

/**
 * Every raw field every connection sent, for tests that must prove what reached "IB" (e.g. that no control character
 * or smuggled field ever did). Bounded: the newest messages per connection, plus the flagged ones.
 */
export class WireLog {
  private seq = 0;
  private serial = 0;
  private readonly serials = new WeakMap<object, number>();
  private readonly byConnection = new Map<number, ReceivedMessage[]>();
  private readonly controlChars: ReceivedMessage[] = [];

  /** Records a message as it arrived; the returned entry is completed by `handled`. */
  record(connection: object, clientId: number | undefined, fields: readonly string[]): ReceivedMessage {
    let serial = this.serials.get(connection);
    if (serial === undefined) {
      serial = ++this.serial;
      this.serials.set(connection, serial);
      this.byConnection.set(serial, []);
      const oldest = this.byConnection.keys().next().value;
      if (this.byConnection.size > CONNECTIONS_MAX && oldest !== undefined) this.byConnection.delete(oldest);
    }
    const entry: ReceivedMessage = {
      seq: ++this.seq,
      connection: serial,
      name: "",
      fields: [...fields],
      unread: -1,
    };
    if (clientId !== undefined) entry.clientId = clientId;
    const list = this.byConnection.get(serial) ?? [];
    this.byConnection.set(serial, list);
    list.push(entry);
    if (list.length > PER_CONNECTION_MAX) list.shift();
    if (fields.some(hasControlCharacter) && this.controlChars.length < FLAGGED_MAX)
      this.controlChars.push(entry);
    return entry;
  }

  /** Names an entry once its message id is known. */
  named(entry: ReceivedMessage, name: string): void {
    entry.name = name;
  }

  /** Completes an entry once its handler ran: how many fields it left unread. */
  handled(entry: ReceivedMessage, unread: number): void {
    entry.unread = unread;
  }

  /** The log after message `since` (0: everything kept). */
  snapshot(since = 0): ReceivedLog {
    const messages = [...this.byConnection.values()]
      .flat()
      .filter((m) => m.seq > since)
      .sort((a, b) => a.seq - b.seq);
    return {
      lastSeq: this.seq,
      messages: structuredClone(messages),
      withControlCharacters: structuredClone(this.controlChars),
    };
  }

  clear(): void {
    this.byConnection.clear();
    this.controlChars.length = 0;
  }
}
