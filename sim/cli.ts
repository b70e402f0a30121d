import { parseArgs } from "node:util";
import { z } from "zod";
import { type Market, syntheticMarket } from "./market/market.ts";
import {
  loadReplayDir,
  parseReplayStart,
  type ReplayData,
  replayFirstTime,
  replayMarket,
  runningClock,
} from "./market/replay-market.ts";
import { startSimulator } from "./server.ts";

const HELP = `ib-sim: an IB Gateway simulator speaking the TWS API socket protocol

Usage: npm run sim -- [flags]
  --host H            listen address (default 127.0.0.1)
  --port N            TWS API port (default 4002)
  --control-port N    HTTP control API port (GET /stats, POST /drop, /outage, /latency, /stats/reset)
  --time-scale X      multiply pacing windows and simulated timing (e.g. 0.01 in tests; default 1)
  --account A         managed account, repeatable or comma separated (default DU1234567)
  --max-lines N       market data lines before error 101 (default 100)
  --latency-ms N      extra delay before every reply (default 0)
  --no-live-data      no live market data permission (354, or 10167 with delayed data)
  --option-book       start every account with a few AAPL and SPY option positions
  --master-client-id N  IB Gateway's "Master API client ID": clientId N also receives every client's order events
  --replay DIR        serve bars and quotes of SYMBOL.csv files in DIR (see sim/README.md, "Market replay")
  --replay-start T    start the simulated clock at T ("2026-11-27 09:30:00" US/Eastern, or ISO 8601 with Z);
                      default: the first row of the replay files (without --replay: the synthetic market)
  --replay-speed X    simulated seconds per real second (default 1; e.g. 60 plays a minute a second)
  --replay-anchor MS  the wall-clock time (epoch ms) at which the clock reads --replay-start (default: when
                      the simulator starts), so a test process can share the simulator's clock exactly
  --help              this text`;

const intText = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${flag} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `--${flag} must be >= ${min}`).max(max, `--${flag} must be <= ${max}`));

const CliFlags = z.object({
  host: z.string().min(1, "--host must not be empty").default("127.0.0.1"),
  port: intText("port", 0, 65535).default(4002),
  "control-port": intText("control-port", 0, 65535).optional(),
  "time-scale": z
    .string()
    .transform(Number)
    .pipe(z.number({ error: "--time-scale must be a number" }).positive("--time-scale must be > 0").max(1000))
    .default(1),
  account: z
    .array(z.string())
    .transform((a) =>
      a
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().regex(/^[A-Z0-9]+$/, "--account must be upper-case letters and digits, e.g. DU1234567"),
        )
        .min(1),
    )
    .optional(),
  "max-lines": intText("max-lines", 1, 100_000).default(100),
  "latency-ms": intText("latency-ms", 0, 600_000).default(0),
  "no-live-data": z.boolean().default(false),
  "option-book": z.boolean().default(false),
  "master-client-id": intText("master-client-id", 0, 2_147_483_647).optional(),
  replay: z.string().min(1, "--replay must name a directory").optional(),
  "replay-start": z.string().optional(),
  "replay-speed": z
    .string()
    .transform(Number)
    .pipe(
      z
        .number({ error: "--replay-speed must be a number" })
        .positive("--replay-speed must be > 0")
        .max(100_000, "--replay-speed must be <= 100000"),
    )
    .default(1),
  "replay-anchor": intText("replay-anchor", 0, 8_640_000_000_000).optional(),
  help: z.boolean().default(false),
});

function fail(message: string): never {
  process.stderr.write(`ib-sim: ${message}\nRun with --help for the flags.\n`);
  process.exit(2);
}

/** The replay market the flags ask for, undefined for the synthetic market on the wall clock; exits 2 on bad flags. */
function replayFromFlags(flags: z.infer<typeof CliFlags>): Market | undefined {
  const startText = flags["replay-start"];
  if (!flags.replay && startText === undefined && flags["replay-speed"] === 1) return undefined;
  let data: ReplayData = new Map();
  if (flags.replay) {
    try {
      data = loadReplayDir(flags.replay);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  }
  const start =
    startText === undefined
      ? data.size > 0
        ? replayFirstTime(data)
        : Date.now()
      : parseReplayStart(startText);
  if (start === undefined)
    fail(
      `--replay-start "${startText}" is not a time; use "2026-11-27 09:30:00" (US/Eastern) or 2026-11-27T14:30:00Z`,
    );
  return replayMarket(
    syntheticMarket,
    data,
    runningClock(start, flags["replay-speed"], flags["replay-anchor"]),
  );
}

/** Runs the simulator in the foreground until SIGINT/SIGTERM; bad flags print an error and exit 2. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  let raw: Record<string, unknown>;
  try {
    raw = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "control-port": { type: "string" },
        "time-scale": { type: "string" },
        account: { type: "string", multiple: true },
        "max-lines": { type: "string" },
        "latency-ms": { type: "string" },
        "no-live-data": { type: "boolean" },
        "option-book": { type: "boolean" },
        "master-client-id": { type: "string" },
        replay: { type: "string" },
        "replay-start": { type: "string" },
        "replay-speed": { type: "string" },
        "replay-anchor": { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const parsed = CliFlags.safeParse(raw);
  if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join("; "));
  const flags = parsed.data;
  if (flags.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const market = replayFromFlags(flags);
  const sim = await startSimulator({
    ...(market ? { market } : {}),
    host: flags.host,
    port: flags.port,
    controlPort: flags["control-port"],
    timeScale: flags["time-scale"],
    ...(flags.account ? { accounts: flags.account } : {}),
    maxMarketDataLines: flags["max-lines"],
    latencyMs: flags["latency-ms"],
    liveDataPermission: !flags["no-live-data"],
    optionBook: flags["option-book"],
    masterClientId: flags["master-client-id"],
    log: (level, msg) =>
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`),
  }).catch((err: unknown) => fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`));
  const control = sim.controlPort === undefined ? "" : `, control http://${sim.host}:${sim.controlPort}`;
  const clock = market ? `, simulated clock at ${new Date(market.now()).toISOString()}` : "";
  // listen for the signals before the ready line: a supervisor may send SIGTERM the moment it reads it,
  // and until a handler is installed the default action kills the process (exit code null, not 0)
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      sim.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  process.stdout.write(
    `ib-sim listening on ${sim.host}:${sim.port} (server version ${sim.serverVersion}, accounts ${sim.accounts.join(",")}${control}${clock})\n`,
  );
  await stopped;
}
