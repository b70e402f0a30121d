import type { SimConnection } from "../connection.ts";
import type { SimCore, SimOrder } from "../core.ts";

/**
 * Where IB sends an order's events: to the session that holds the order's clientId now, so a client that
 * reconnected with the same clientId hears about the orders it placed before; else to the placing connection.
 */
export function sessionFor(core: SimCore, o: SimOrder): SimConnection {
  const current = core.sessionOf(o.clientId);
  return current?.isOpen ? current : o.owner;
}

/**
 * Where IB sends an order's openOrder and orderStatus: its client's session, and the Master API client's
 * (the gateway setting "Master API client ID") when one is configured and connected, which hears every client's
 * orders. Fills (execDetails, commissionReport) and notices (202) go to the placing client only.
 */
export function orderEventSessions(core: SimCore, o: SimOrder): SimConnection[] {
  const own = sessionFor(core, o);
  const masterId = core.config.masterClientId;
  const master = masterId === undefined ? undefined : core.sessionOf(masterId);
  return master?.isOpen && master !== own ? [own, master] : [own];
}
