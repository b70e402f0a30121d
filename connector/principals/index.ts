import type { PacerOptions } from "../pacing/index.ts";
import { createQuotaGuard, type QuotaGuard } from "./quotas.ts";
import { createPrincipalRegistry, type PrincipalRegistry } from "./registry.ts";

export { createQuotaGuard, type QuotaGuard } from "./quotas.ts";
export { createPrincipalRegistry, OTHER_LABEL, type PrincipalRegistry } from "./registry.ts";

export interface Principals {
  registry: PrincipalRegistry;
  quotas: QuotaGuard;
  /** What the pacer needs to share IB by weight, label its stats and count historical quotas. */
  pacing: Pick<PacerOptions, "weightOf" | "labelOf" | "admit">;
}

/** The principals of MCP_PRINCIPALS_FILE (`path`; none: everyone alike, unlimited) wired for quotas and pacing. */
export function createPrincipals(path: string | undefined): Principals {
  const registry = createPrincipalRegistry(path);
  const quotas = createQuotaGuard({
    quotasOf: (p) => registry.share(p).quotas,
    labelOf: (p) => registry.label(p),
  });
  return {
    registry,
    quotas,
    pacing: {
      weightOf: (p) => registry.share(p).weight,
      labelOf: (p) => registry.label(p),
      admit: (req, p) => quotas.admit(req, p),
    },
  };
}
