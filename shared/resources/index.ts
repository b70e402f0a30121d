import { IbMcpError } from "../errors.ts";
import type { ToolDef } from "../tool-def.ts";
import { getAccountSummary, getContractDetails, getOpenOrders, getPositions } from "../tools/index.ts";

/**
 * A read-only MCP resource served by calling one read tool over the bus: the gateway needs nothing of its own
 * and the connector nothing new. `uri` is a fixed URI, or an RFC 6570 template when `template` is set.
 */
export interface ResourceDef {
  name: string;
  title: string;
  description: string;
  uri: string;
  template: boolean;
  tool: ToolDef;
  /** The tool's arguments for the URI's variables; throws INVALID_ARGUMENT for a variable it cannot use. */
  args(vars: Record<string, string | string[]>): Record<string, unknown>;
}

const conIdPattern = /^\d{1,12}$/;

/** What agents re-read most, as resources they can attach without a tool call. */
export const resourceCatalogue: readonly ResourceDef[] = [
  {
    name: "account-summary",
    title: "Account summary",
    description: "Balances and margin of the managed accounts (get_account_summary), as JSON.",
    uri: "ib://account/summary",
    template: false,
    tool: getAccountSummary,
    args: () => ({}),
  },
  {
    name: "positions",
    title: "Positions",
    description: "Current positions of the managed accounts (get_positions), as JSON.",
    uri: "ib://positions",
    template: false,
    tool: getPositions,
    args: () => ({}),
  },
  {
    name: "open-orders",
    title: "Open orders",
    description: "Working orders of every client of the account (get_open_orders), as JSON.",
    uri: "ib://orders/open",
    template: false,
    tool: getOpenOrders,
    args: () => ({}),
  },
  {
    name: "contract",
    title: "Contract by conId",
    description:
      "IB contract details of one conId (get_contract_details), as JSON; find conIds with lookup_contract.",
    uri: "ib://contract/{conId}",
    template: true,
    tool: getContractDetails,
    args: (vars) => {
      const conId = String(vars.conId ?? "");
      if (!conIdPattern.test(conId))
        throw new IbMcpError(
          "INVALID_ARGUMENT",
          `ib://contract/{conId} needs a numeric IB conId (e.g. ib://contract/265598), not "${conId.slice(0, 32)}"; find it with lookup_contract`,
        );
      return { symbol: conId };
    },
  },
];
