import { readFileSync } from "node:fs";
import { ConfigError } from "../../shared/config.ts";
import {
  ANONYMOUS_PRINCIPAL,
  PrincipalsFile,
  parsePrincipalsFile,
  type Quotas,
  shareOf,
} from "../../shared/principals.ts";

/** The metric label of every principal the file does not name (token-N, OAuth subjects): labels stay bounded. */
export const OTHER_LABEL = "other";

/** What the connector knows of principals: weights and quotas only, never token hashes. */
export interface PrincipalRegistry {
  /** The principal's weight and quotas: its entry in the file, or the file's defaults. */
  share(name: string): { weight: number; quotas: Quotas };
  /** Its metric label: its name when the file lists it, `anonymous`, or `other`. */
  label(name: string): string;
  /** Re-reads MCP_PRINCIPALS_FILE; a bad file throws (a ConfigError naming why) and keeps the one in use. */
  reload(): void;
}

const empty: PrincipalsFile = PrincipalsFile.parse({});

/** Reads and validates the file; every failure is a ConfigError naming MCP_PRINCIPALS_FILE. */
export function readPrincipalsFile(path: string): PrincipalsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(
      `MCP_PRINCIPALS_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  try {
    return parsePrincipalsFile(text);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** The principals of MCP_PRINCIPALS_FILE (`path`), or none (everyone gets the defaults: weight 1, no quotas). */
export function createPrincipalRegistry(path: string | undefined): PrincipalRegistry {
  let file = path ? readPrincipalsFile(path) : empty;
  let listed = new Set(file.principals.map((p) => p.name));
  return {
    share: (name) => shareOf(file, name),
    label: (name) => (listed.has(name) || name === ANONYMOUS_PRINCIPAL ? name : OTHER_LABEL),
    reload() {
      if (!path) return;
      const next = readPrincipalsFile(path);
      file = next;
      listed = new Set(next.principals.map((p) => p.name));
    },
  };
}
