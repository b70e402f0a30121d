import { type CommissionReport, type Contract, EventName, type Execution as IbExecution } from "@stoqey/ib";
import type { Execution } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";
import { toExecution } from "./rows.ts";

/**
 * Today's executions of every client, keyed by execId, with their commission reports (keyed by execId too),
 * from reqExecutions plus the live `execDetails`/`commissionReport` IB pushes for this client's own fills. IB
 * does not push other clients' fills; it does push every position change (positions-area.ts), so the session
 * state re-syncs this area on each one (session-state.ts) and readers wait for that one round trip.
 */
export function executionsArea() {
  const execs = new Map<string, { contract: Contract; execution: IbExecution }>();
  const reports = new Map<string, CommissionReport>();
  const spec: AreaSpec = {
    name: "executions",
    applies: () => true,
    reset() {
      execs.clear();
      reports.clear();
    },
    counts: () => ({ executions: execs.size }),
    open(link, _accounts, ended, changed) {
      const reqId = link.next.nextReqId;
      const onExec = (_reqId: number, contract: Contract, execution: IbExecution) => {
        execs.set(execution.execId ?? "", { contract, execution });
        changed();
      };
      const onReport = (r: CommissionReport) => {
        reports.set(r.execId ?? "", r);
        changed();
      };
      const onEnd = (id: number) => {
        if (id === reqId) ended();
      };
      return {
        events: [
          [EventName.execDetails, onExec as Handler],
          [EventName.commissionReport, onReport as Handler],
          [EventName.execDetailsEnd, onEnd as Handler],
        ],
        reqIds: [reqId],
        send: () => link.raw.reqExecutions(reqId, {}),
        cancel: () => undefined, // a one-shot request; the live pushes need no cancel
      };
    },
  };
  return {
    spec,
    rows: (): Execution[] =>
      [...execs].map(([execId, { contract, execution }]) =>
        toExecution(contract, execution, reports.get(execId)),
      ),
  };
}
