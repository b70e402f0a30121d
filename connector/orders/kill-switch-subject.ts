import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { z } from "zod";
import type { TradingMode } from "../../shared/mode.ts";
import { ANONYMOUS_PRINCIPAL, PrincipalName } from "../../shared/principals.ts";
import { requestIdOr } from "../../shared/request-id.ts";
import { Headers, subjectFor } from "../../shared/subjects.ts";
import type { AuditLog } from "./audit.ts";
import type { TradingDesk } from "./desk.ts";

/** `ib.<mode>.admin.kill_switch`: {"on":true} stops new orders at once, {"on":false} lifts a bus-set stop. */
/** The sender's name for the audit line; a missing or malformed header never stops the switch, it reads anonymous. */
function principalOf(header: string | undefined): string {
  return header && PrincipalName.safeParse(header).success ? header : ANONYMOUS_PRINCIPAL;
}

export function killSwitchSubject(mode: TradingMode): string {
  return subjectFor(mode, "admin.kill_switch");
}

const Command = z.object({ on: z.boolean() }).strict();

/**
 * Serves the kill switch subject on every connector of the mode, the standby too; the switch is stored in the
 * mode's risk store, so it holds across restarts and takeovers. Answers {"on":<state>} or {"error":"..."}.
 */
export function serveKillSwitch(
  nc: NatsConnection,
  desk: TradingDesk,
  audit: AuditLog,
  logger: Logger,
): Subscription {
  const subject = killSwitchSubject(desk.mode);
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return logger.error({ err }, "kill switch subscription ended");
      let command: z.infer<typeof Command>;
      try {
        command = Command.parse(msg.json());
      } catch {
        msg.respond(JSON.stringify({ error: `send {"on":true} or {"on":false} to ${subject}` }));
        return;
      }
      void desk.setKillSwitch(command.on).then(
        (on) => {
          logger.warn({ on, asked: command.on }, "kill switch changed over NATS");
          return audit
            .append({
              event: "kill_switch",
              tool: subject,
              requestId: requestIdOr(msg.headers?.get("X-Request-Id")),
              principal: principalOf(msg.headers?.get(Headers.principal)),
              mode: desk.mode,
              params: command,
              outcome: on ? "on" : "off",
            })
            .catch((e: unknown) => logger.error({ err: e }, "kill switch audit failed"))
            .finally(() => msg.respond(JSON.stringify({ on })));
        },
        (err: unknown) => {
          // not stored means not in force for the other connectors: say so, and the operator retries
          logger.error({ err, asked: command.on }, "kill switch not stored");
          msg.respond(JSON.stringify({ error: (err as Error).message }));
        },
      );
    },
  });
}
