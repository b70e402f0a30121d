import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCRequest,
  JSONRPCResultResponse,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/** A response as the MCP server produced it, with the caller's own id restored. */
export type JsonRpcReply = JSONRPCResultResponse | JSONRPCErrorResponse;

interface Pending<C> {
  callerId: RequestId;
  context: C;
  settle: (reply: JsonRpcReply) => void;
  /** Answers the caller with its give-up reply now (the transport is closing). */
  giveUp: () => void;
}

/**
 * An SDK Transport that lets one long-lived McpServer serve many HTTP requests at once. Each incoming request
 * gets a fresh internal JSON-RPC id, so requests from different HTTP calls that reuse the same id never meet;
 * the server's response is matched by that id and handed back with the caller's id.
 *
 * Why not the SDK's streamable HTTP transport per request: in stateless mode it must be connected to a server
 * and closed again for every HTTP request, and that close aborts an AbortController, builds a DOMException and
 * an McpError each time; on Node 20 those objects live until a full GC. Connecting once removes all of that.
 * Server-to-client messages (progress, logging) have no stream to travel on here and are dropped, as the
 * stateless JSON mode of the SDK transport drops them. Re-measured on Node 22 (README, Performance): the
 * per-request transport still costs twice the CPU per call, so the mux stays.
 */
export class RequestMuxTransport<C> implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private readonly pending = new Map<number, Pending<C>>();
  private nextId = 1;
  private closed = false;

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (!("id" in message) || "method" in message) return; // notifications and server→client requests
    const entry = this.pending.get(message.id as number);
    if (!entry) return; // answered after its caller gave up
    this.pending.delete(message.id as number);
    entry.settle({ ...message, id: entry.callerId } as JsonRpcReply);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // nobody is left to answer these: their callers get the give-up reply now, not at their deadlines
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const entry of waiting) entry.giveUp();
    this.onclose?.();
  }

  /** The context the request with this internal id was sent with (the SDK hands tools that id). */
  contextOf(id: RequestId): C | undefined {
    return this.pending.get(id as number)?.context;
  }

  /** Passes a client's notification to the server; nothing comes back for it. */
  notify(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }

  /**
   * Sends one request to the server and resolves with its response. `abandon` resolves the call early (with
   * the reply it builds) and tells the server to cancel the request, so a stuck handler cannot hold a caller: after
   * `abandonAfterMs`, or as soon as `signal` aborts (the HTTP client hung up). The server's cancellation reaches
   * the tool as its handler's AbortSignal, and from there the bus and the connector.
   */
  request(
    message: JSONRPCRequest,
    context: C,
    extra: MessageExtraInfo,
    abandonAfterMs: number,
    abandon: (callerId: RequestId, why: "deadline" | "disconnect") => JsonRpcReply,
    signal?: AbortSignal,
  ): Promise<JsonRpcReply> {
    if (this.closed || !this.onmessage) return Promise.resolve(abandon(message.id, "deadline"));
    if (signal?.aborted) return Promise.resolve(abandon(message.id, "disconnect"));
    const id = this.nextId++;
    return new Promise<JsonRpcReply>((resolve) => {
      const giveUp = (why: "deadline" | "disconnect") => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(abandon(message.id, why));
        this.onmessage?.(
          {
            jsonrpc: "2.0",
            method: "notifications/cancelled",
            params: {
              requestId: id,
              reason: why === "deadline" ? "the gateway stopped waiting" : "the client disconnected",
            },
          },
          extra,
        );
      };
      const onAbort = () => giveUp("disconnect");
      const timer = setTimeout(() => giveUp("deadline"), abandonAfterMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.pending.set(id, {
        callerId: message.id,
        context,
        settle: (reply) => {
          done();
          resolve(reply);
        },
        giveUp: () => {
          done();
          resolve(abandon(message.id, "deadline"));
        },
      });
      this.onmessage?.({ ...message, id }, extra);
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }
}
