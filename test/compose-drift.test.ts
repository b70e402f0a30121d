/**
 * No drift between the compose stack and the code: every variable in compose/ is one ib-mcp reads (shared/config.ts)
 * or one an image next to it reads (listed below, per image), .env.example documents exactly what the compose
 * file interpolates, and every command our services run exists in cli/main.ts and package.json.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { ConnectorEnv, GatewayEnv, LogEnv, NatsEnv } from "../shared/config.ts";
import {
  type ComposeService,
  composeFile,
  envExampleFile,
  natsConfFile,
  proxyConfigFile,
  readComposeFile,
  readEnvFile,
  referencedVariables,
  serviceCommand,
  tradingFile,
} from "./compose-support.ts";

const repoFile = (path: string) => new URL(`../${path}`, import.meta.url);

function schemaKeys(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaKeys(schema.in as z.ZodType);
  throw new Error("shared/config.ts: expected a zod object (or a transformed one)");
}

/** Variables ib-mcp reads. */
const codeVars = new Set([ConnectorEnv, GatewayEnv, NatsEnv, LogEnv].flatMap(schemaKeys));

/** Variables that only the third-party images read, per service; nothing in ib-mcp reads them. */
const imageVars: Record<string, string[]> = {
  // ghcr.io/gnzsnz/ib-gateway (its README's configuration table); TRADING_MODE is shared with our gateway.
  "ib-gateway": [
    "TWS_USERID",
    "TWS_PASSWORD",
    "TWS_PASSWORD_FILE",
    "TRADING_MODE",
    "READ_ONLY_API",
    "TWOFA_TIMEOUT_ACTION",
    "RELOGIN_AFTER_TWOFA_TIMEOUT",
    "AUTO_RESTART_TIME",
    "TIME_ZONE",
    "TZ",
  ],
  // nats:2.10-alpine, through compose/nats/nats.conf ($VAR references).
  nats: [
    "NATS_GATEWAY_PASSWORD",
    "NATS_GATEWAY_TRADING_PASSWORD",
    "NATS_CONNECTOR_PAPER_PASSWORD",
    "NATS_CONNECTOR_LIVE_PASSWORD",
    "NATS_DEBUG_PASSWORD",
    "NATS_OPS_PASSWORD",
    "NATS_WEBSOCKET_PORT",
  ],
  // ghcr.io/tbxark/mcp-proxy expands ${VAR} in compose/mcp-proxy/config.json from its environment.
  "mcp-proxy": ["MCP_PROXY_AUTH_TOKEN", "MCP_AUTH_TOKENS"],
  // natsio/nats-box: the NATS CLI reads these.
  "nats-box": ["NATS_URL", "NATS_USER", "NATS_PASSWORD"],
  "nats-ops": ["NATS_URL", "NATS_USER", "NATS_PASSWORD"],
};

/** Variables docker compose itself reads from compose/.env. */
const composeVars = new Set(["COMPOSE_PROFILES", "COMPOSE_FILE"]);

const stack = readComposeFile();
const trading = parse(readFileSync(tradingFile, "utf8")) as { services: Record<string, ComposeService> };
const envExample = readEnvFile(envExampleFile);
const isOurs = (s: ComposeService) => s.build !== undefined;

/** Every string value in a parsed YAML document (docker-compose interpolates values, not comments or keys). */
function stringsIn(node: unknown): string[] {
  if (typeof node === "string") return [node];
  if (Array.isArray(node)) return node.flatMap(stringsIn);
  if (node && typeof node === "object") return Object.values(node).flatMap(stringsIn);
  return [];
}

const envKeys = (s: ComposeService): string[] =>
  Array.isArray(s.environment)
    ? s.environment.map((kv) => kv.split("=")[0] as string)
    : Object.keys(s.environment ?? {});

describe("compose/ does not drift from the code", () => {
  it("passes our services only variables that shared/config.ts reads", () => {
    for (const [name, s] of Object.entries(stack.services)) {
      if (!isOurs(s)) continue;
      const unknown = envKeys(s).filter((k) => !codeVars.has(k));
      assert.deepEqual(unknown, [], `${name} sets variables no ib-mcp code reads`);
    }
    for (const [name, s] of Object.entries(trading.services)) {
      assert.ok(stack.services[name]?.build, `trading.yml changes ${name}, not one of our services`);
      assert.deepEqual(
        envKeys(s).filter((k) => !codeVars.has(k)),
        [],
        `trading.yml: ${name} sets variables no ib-mcp code reads`,
      );
    }
  });

  it("passes the other images only the variables listed for them, and lists none that are unused", () => {
    for (const [name, s] of Object.entries(stack.services)) {
      if (isOurs(s)) continue;
      const allowed = imageVars[name];
      assert.ok(allowed, `${name}: no list of the variables its image reads`);
      assert.deepEqual(
        envKeys(s).filter((k) => !allowed.includes(k)),
        [],
        `${name} sets variables its image does not read`,
      );
      assert.deepEqual(
        allowed.filter((k) => !envKeys(s).includes(k)),
        [],
        `the list for ${name} names variables it never gets`,
      );
    }
  });

  it("documents in .env.example every variable the compose file interpolates, and nothing else", () => {
    const interpolated = [composeFile, tradingFile].flatMap((f) =>
      stringsIn(parse(readFileSync(f, "utf8"))).flatMap(referencedVariables),
    );
    assert.deepEqual(
      interpolated.filter((v) => !(v in envExample)),
      [],
      "interpolated but not in .env.example",
    );
    const unused = Object.keys(envExample).filter((v) => !interpolated.includes(v) && !composeVars.has(v));
    assert.deepEqual(unused, [], ".env.example variables the compose file never uses");
  });

  it("has only known variables in .env.example: read by ib-mcp, an image, or compose", () => {
    const known = new Set([...codeVars, ...Object.values(imageVars).flat(), ...composeVars]);
    assert.deepEqual(
      Object.keys(envExample).filter((v) => !known.has(v)),
      [],
    );
  });

  it("names in COMPOSE_FILE only files that exist, and tells how to add trading.yml", () => {
    const files = (envExample.COMPOSE_FILE ?? "").split(":");
    assert.deepEqual(files, ["docker-compose.yml"]);
    for (const f of files) assert.ok(existsSync(new URL(`../compose/${f}`, import.meta.url)), f);
    assert.match(readFileSync(envExampleFile, "utf8"), /docker-compose\.yml:trading\.yml/);
  });

  it("explains every variable of .env.example with a comment above it", () => {
    const lines = readFileSync(envExampleFile, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (!/^[A-Z_][A-Z0-9_]*=/.test(line)) return;
      let j = i - 1;
      while (j >= 0 && /^[A-Z_][A-Z0-9_]*=/.test(lines[j] ?? "")) j--;
      assert.match(lines[j] ?? "", /^# \S/, `${line.split("=")[0]} has no comment`);
    });
  });

  it("feeds nats.conf and the proxy config exactly the variables they reference", () => {
    // nats.conf resolves only unquoted `key: $VAR` values; quoted "$JS.API..." subjects are literal.
    const natsConf = readFileSync(natsConfFile, "utf8").replace(/#.*$/gm, "");
    const natsRefs = [...natsConf.matchAll(/:\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*$/gm)].map(
      (m) => m[1] as string,
    );
    assert.deepEqual(natsRefs.sort(), [...(imageVars.nats ?? [])].sort());
    assert.deepEqual(envKeys(stack.services.nats as ComposeService).sort(), natsRefs.sort());
    const proxyRefs = referencedVariables(readFileSync(proxyConfigFile, "utf8"));
    assert.deepEqual(proxyRefs.sort(), envKeys(stack.services["mcp-proxy"] as ComposeService).sort());
  });

  it("runs only commands that cli/main.ts has and package.json scripts name", () => {
    const main = readFileSync(repoFile("cli/main.ts"), "utf8");
    const table = /const commands\b[\s\S]*?= \{([\s\S]*?)\n\};/.exec(main)?.[1];
    assert.ok(table, "cli/main.ts: no `const commands = { ... }` table");
    const cliCommands = [...table.matchAll(/^\s+"?([a-z][a-z-]*)"?:/gm)].map((m) => m[1]);
    const scripts = (
      JSON.parse(readFileSync(repoFile("package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    const ourServices = Object.entries(stack.services).filter(([, s]) => isOurs(s));
    assert.ok(ourServices.length >= 4);
    for (const [name, s] of ourServices) {
      const command = serviceCommand(s)[0];
      assert.ok(command, `${name} has no command`);
      assert.ok(cliCommands.includes(command), `${name}: "${command}" is not a cli/main.ts command`);
      assert.equal(scripts[command], `tsx cli/main.ts ${command}`, `${name}: no npm script "${command}"`);
    }
  });

  it("passes the simulator only flags its CLI parses", () => {
    const simCli = repoFile("sim/cli.ts");
    assert.ok(existsSync(simCli), "sim/cli.ts is missing (cli/main.ts runs it)");
    const source = readFileSync(simCli, "utf8");
    const flags = serviceCommand(stack.services.sim as ComposeService).filter((a) => a.startsWith("--"));
    // Both the parser's option table and the help text must know the flag.
    for (const flag of flags) {
      const name = flag.slice(2);
      assert.match(source, new RegExp(`(["\\s])${name}"?: \\{ type:`), `sim/cli.ts does not parse ${flag}`);
      assert.match(source, new RegExp(`\\s${flag}\\b`), `sim/cli.ts --help does not document ${flag}`);
    }
  });

  it("builds an image that runs the compiled cli/main.ts and compiles every folder it imports", () => {
    const dockerfile = readFileSync(repoFile("Dockerfile"), "utf8");
    assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/cli\/main\.js"\]$/m);
    assert.match(dockerfile, /^RUN npx tsc -p tsconfig\.build\.json$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/dist \.\/dist$/m);
    const defaultCommand = /^CMD \["([a-z-]+)"\]$/m.exec(dockerfile)?.[1];
    assert.equal(defaultCommand, "gateway");
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /npm ci --omit=dev/);
    const build = JSON.parse(readFileSync(repoFile("tsconfig.build.json"), "utf8")) as { include: string[] };
    const main = readFileSync(repoFile("cli/main.ts"), "utf8");
    const folders = new Set(["cli", ...[...main.matchAll(/"\.\.\/([a-z-]+)\//g)].map((m) => m[1] as string)]);
    for (const folder of folders) {
      assert.match(
        dockerfile,
        new RegExp(`^COPY ${folder} \\./${folder}$`, "m"),
        `the build stage lacks ${folder}/`,
      );
      assert.ok(build.include.includes(folder), `tsconfig.build.json does not compile ${folder}/`);
    }
    const ignored = readFileSync(repoFile(".dockerignore"), "utf8").split("\n");
    for (const folder of folders) assert.ok(!ignored.includes(folder), `.dockerignore drops ${folder}/`);
    assert.ok(ignored.includes("compose/.env"), ".dockerignore must keep compose/.env out of the image");
  });
});
