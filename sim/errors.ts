/**
 * The simulator's own errors. It stands in for IB Gateway, a program outside the project: it knows nothing of
 * ib-mcp's error codes, and what it refuses reaches a client as IB would send it (a closed socket, an IB error
 * message with IB's code), built from these errors' messages.
 */
export class SimError extends Error {
  override name = "SimError";
}

/** Bytes IB Gateway would not accept: a bad handshake or frame, a truncated field, a message out of order. */
export class SimProtocolError extends SimError {
  override name = "SimProtocolError";
}

/** A data request IB refuses (the caller answers it with IB's error code, e.g. 162 for historical data). */
export class SimRequestRefused extends SimError {
  override name = "SimRequestRefused";
}

/** Options the simulator cannot start with. */
export class SimOptionsError extends SimError {
  override name = "SimOptionsError";
}
