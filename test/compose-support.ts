/**
 * Reads the compose stack's files the way docker-compose does, so the compose tests check the files users run
 * rather than a copy of them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const composeDir = fileURLToPath(new URL("../compose/", import.meta.url));
export const composeFile = `${composeDir}docker-compose.yml`;
/** The override that turns the gateways into trading gateways (COMPOSE_FILE=docker-compose.yml:trading.yml). */
export const tradingFile = `${composeDir}trading.yml`;
export const envExampleFile = `${composeDir}.env.example`;
export const natsConfFile = `${composeDir}nats/nats.conf`;
export const proxyConfigFile = `${composeDir}mcp-proxy/config.json`;
/** The example principals file the compose services mount at /app/config/principals.yaml. */
export const principalsFile = `${composeDir}principals.yaml`;

/** One service of the compose file, only the keys these tests read. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  profiles?: string[];
  ports?: unknown[];
  expose?: unknown[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  entrypoint?: string[] | string;
  restart?: string;
  stop_grace_period?: string;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: unknown[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** The compose file as written (before interpolation). */
export function readComposeFile(): ComposeFile {
  return parse(readFileSync(composeFile, "utf8"), { merge: true }) as ComposeFile;
}

/** KEY=VALUE lines of a dotenv file as docker-compose reads them: `#` lines and blank lines skipped, no quoting. */
export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`${path}: not a KEY=VALUE line: ${line}`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every variable a string interpolates (`${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$VAR`); `$$` escapes. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.replaceAll("$$", "").matchAll(reference)) names.add((m[1] ?? m[4]) as string);
  return [...names];
}

/** Interpolates like docker-compose: `:-` default when unset or empty, `-` when unset, `:?`/`?` fail. */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(reference, (_all, braced?: string, op?: string, arg?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    const value = vars[name];
    const empty = value === undefined || (value === "" && op?.startsWith(":"));
    if (op === ":-" || op === "-") return empty ? (arg ?? "") : (value ?? "");
    if (op === ":?" || op === "?") {
      if (empty) throw new Error(`${name}: ${arg}`);
      return value ?? "";
    }
    return value ?? "";
  });
}

/** A service's environment after interpolation with `vars`, as the container would see it. */
export function serviceEnvironment(
  service: ComposeService,
  vars: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const entries: [string, string][] = Array.isArray(service.environment)
    ? service.environment.map((kv) => {
        const eq = kv.indexOf("=");
        return [kv.slice(0, eq), kv.slice(eq + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]);
  for (const [key, value] of entries) env[key] = interpolate(value, vars);
  return env;
}

/** A service's command as an argument list. */
export function serviceCommand(service: ComposeService): string[] {
  if (service.command === undefined) return [];
  return Array.isArray(service.command) ? service.command : service.command.split(/\s+/).filter(Boolean);
}
