import { type DestinationStream, type Logger, pino } from "pino";
import { LOG_REDACT_PATHS } from "../../shared/log-redact.ts";

/** The JSON logger of a process role (stdout unless `destination`), with secrets redacted whatever the role. */
export function processLogger(
  level: string,
  base: Record<string, string>,
  destination?: DestinationStream,
): Logger {
  return pino({ level, base, redact: [...LOG_REDACT_PATHS] }, destination);
}
