import { parseArgs } from "node:util";
import { z } from "zod";
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
  help: z.boolean().default(false),
});

function fail(message: string): never {
  process.stderr.write(`ib-sim: ${message}\nRun with --help for the flags.\n`);
  process.exit(2);
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
  const sim = await startSimulator({
    host: flags.host,
    port: flags.port,
    controlPort: flags["control-port"],
    timeScale: flags["time-scale"],
    ...(flags.account ? { accounts: flags.account } : {}),
    maxMarketDataLines: flags["max-lines"],
    latencyMs: flags["latency-ms"],
    liveDataPermission: !flags["no-live-data"],
    log: (level, msg) =>
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`),
  }).catch((err: unknown) => fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`));
  const control = sim.controlPort === undefined ? "" : `, control http://${sim.host}:${sim.controlPort}`;
  process.stdout.write(
    `ib-sim listening on ${sim.host}:${sim.port} (server version ${sim.serverVersion}, accounts ${sim.accounts.join(",")}${control})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      sim.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
