import { Toolset } from "./tool-def.ts";

/**
 * What /mcp lists when neither the URL nor MCP_TOOLSETS names toolsets: resolving instruments, quotes, bars and
 * the account, within 25 KB of tools/list (measured in gateway/tool-sizes.test.ts).
 */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ["contracts", "market", "history", "account"];

/** The default toolsets of a gateway: with trading switched on, the order tools are listed too. */
export function defaultToolsets(trading: boolean): readonly Toolset[] {
  return trading ? [...DEFAULT_TOOLSETS, "orders"] : DEFAULT_TOOLSETS;
}

/**
 * A comma list of toolset names ("market,account", or "all") as the sorted, de-duplicated toolsets, or the
 * reason it is not one (naming the known toolsets).
 */
export function parseToolsets(text: string): { toolsets: Toolset[] } | { error: string } {
  const names = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0)
    return { error: `no toolset named; use all or a comma list of: ${Toolset.options.join(", ")}` };
  if (names.includes("all")) return { toolsets: [...Toolset.options] };
  const unknown = names.filter((n) => !Toolset.safeParse(n).success);
  if (unknown.length > 0)
    return {
      error: `unknown toolset ${unknown.map((n) => `"${n.slice(0, 32)}"`).join(", ")}; use all or a comma list of: ${Toolset.options.join(", ")}`,
    };
  return { toolsets: Toolset.options.filter((t) => names.includes(t)) };
}
