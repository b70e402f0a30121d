import type { SessionStateArea } from "../../../shared/tools/get-connection-status.ts";
import type { SessionState } from "../client-types.ts";
import type { Call, RequestScope } from "../request.ts";
import type { IbSession } from "../session.ts";
import { accountSummaryArea } from "./account-summary-area.ts";
import { accountUpdatesArea } from "./account-updates-area.ts";
import { executionsArea } from "./executions-area.ts";
import { LiveArea } from "./live-area.ts";
import { openOrdersArea } from "./open-orders-area.ts";
import { pnlArea } from "./pnl-area.ts";
import { positionsArea } from "./positions-area.ts";
import { createSyncDriver } from "./sync-driver.ts";

/**
 * The session state over the connector's current session; subscriptions go through the paced `call`. Open orders
 * are kept only when `master` (this client is IB's Master API client, which hears every client's order events).
 */
export function createSessionState(
  call: Call,
  currentSession: () => IbSession,
  enabled = true,
  master = false,
): SessionState {
  const positions = positionsArea();
  const updates = accountUpdatesArea();
  const pnl = pnlArea();
  const executions = executionsArea();
  const executionsLive = new LiveArea(executions.spec);
  const positionsLive = new LiveArea(positions.spec, () => resyncExecutions());
  const updatesLive = new LiveArea(updates.spec);
  const pnlLive = new LiveArea(pnl.spec);
  const summary = accountSummaryArea();
  const summaryLive = new LiveArea(summary.spec);
  const orders = openOrdersArea(master);
  const ordersLive = new LiveArea(orders.spec);
  const areas = [positionsLive, updatesLive, pnlLive, executionsLive, summaryLive, ordersLive];
  const driver = createSyncDriver(call, currentSession, areas, executionsLive);
  const resyncExecutions = () => driver.resyncExecutions();

  /**
   * Waits (within the caller's deadline) until `area` is fresh, starting a sync if nothing is bringing it there;
   * false when the area does not cover this session (take the request path). No IB session: IB_UNAVAILABLE now.
   */
  async function fresh(area: LiveArea, scope: RequestScope): Promise<boolean> {
    if (!enabled) return false;
    if (area.freshness.fresh) return true;
    if (area.freshness.status === "stale") driver.sync([area]);
    if (!area.kept) return false;
    if (area.freshness.status === "stale") currentSession().link(); // sync() found no session: say why
    await area.freshness.whenFresh(scope);
    return true;
  }

  return {
    enabled,
    resync() {
      if (enabled) driver.resync();
    },
    async positions(scope) {
      return (await fresh(positionsLive, scope)) ? positions.rows() : undefined;
    },
    async portfolio(account, scope) {
      return (await fresh(updatesLive, scope)) ? updates.portfolio(account) : undefined;
    },
    async accountValues(account, scope) {
      return (await fresh(updatesLive, scope)) ? updates.accountValues(account) : undefined;
    },
    async pnl(account, scope) {
      return (await fresh(pnlLive, scope)) ? pnl.of(account) : undefined;
    },
    async executions(scope) {
      return (await fresh(executionsLive, scope)) ? executions.rows() : undefined;
    },
    async openOrders(scope) {
      if (!master) return undefined;
      return (await fresh(ordersLive, scope)) ? orders.rows() : undefined;
    },
    async accountSummary(tags, scope) {
      if (!enabled || !summary.follows(tags)) return undefined;
      return (await fresh(summaryLive, scope)) ? summary.rows() : undefined;
    },
    status() {
      const now = Date.now();
      return areas.map((a) => {
        const at = a.freshness.updatedAt;
        const row: SessionStateArea = {
          area: a.spec.name,
          status: !enabled || !a.kept || (a === ordersLive && !master) ? "off" : a.freshness.status,
          counts: a.spec.counts(),
        };
        if (at !== undefined) row.ageMs = now - at;
        return row;
      });
    },
  };
}
