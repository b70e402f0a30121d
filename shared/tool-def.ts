import { z } from "zod";

/**
 * Groups of tools an agent can ask for, so its context holds only what it needs (MCP_TOOLSETS per gateway,
 * `?toolsets=` or `/toolsets/<list>` per URL). A tool belongs to every set whose work it serves.
 */
export const Toolset = z.enum([
  "contracts",
  "market",
  "history",
  "fundamentals",
  "news",
  "account",
  "options",
  "orders",
  "scanner",
  "ticks",
  "balances",
]);
export type Toolset = z.infer<typeof Toolset>;

/** Read tools never change the account; trade tools exist only when trading is switched on. */
export type ToolAccess = "read" | "trade";

// biome-ignore lint/suspicious/noExplicitAny: the catalogue holds tools of every shape
export type AnyObjectSchema = z.ZodObject<any>;

/** One entry of the catalogue: everything the gateway, the connector and the docs need to know of a tool. */
export interface ToolDef<
  I extends AnyObjectSchema = AnyObjectSchema,
  O extends AnyObjectSchema = AnyObjectSchema,
> {
  name: string;
  title: string;
  /** Written for an agent: what it returns and when to use it. */
  description: string;
  input: I;
  output: O;
  access: ToolAccess;
  /** The toolsets that list this tool; at least one. */
  toolsets: readonly [Toolset, ...Toolset[]];
  annotations: {
    title: string;
    readOnlyHint: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint: boolean;
  };
  /** A short readable text for the MCP text block beside structuredContent. */
  summarize(output: z.infer<O>): string;
  /**
   * Only takes risk away (a cancel): no per-principal quota holds it back, since an agent that hit its quota must
   * still be able to pull its orders. IB's pacing still applies.
   */
  reducesRisk?: boolean;
}

export type ToolInput<T extends ToolDef> = z.infer<T["input"]>;
export type ToolOutput<T extends ToolDef> = z.infer<T["output"]>;

/** A tool whose name is known to the compiler, so registries keyed by tool name are checked by tsc. */
export type NamedToolDef<
  N extends string,
  I extends AnyObjectSchema = AnyObjectSchema,
  O extends AnyObjectSchema = AnyObjectSchema,
> = ToolDef<I, O> & { name: N };

/**
 * Declares a read-only tool with the annotations every read tool shares. No idempotentHint: the spec gives it
 * meaning only when readOnlyHint is false, so on a read tool it would cost every agent's context and say nothing.
 */
export function readTool<const N extends string, I extends AnyObjectSchema, O extends AnyObjectSchema>(
  def: Omit<ToolDef<I, O>, "access" | "annotations" | "name"> & { name: N },
): NamedToolDef<N, I, O> {
  return {
    ...def,
    access: "read",
    annotations: { title: def.title, readOnlyHint: true, openWorldHint: true },
  };
}

/** Declares a trade tool: listed and served only when trading is switched on; `destructive` for order changes. */
export function tradeTool<const N extends string, I extends AnyObjectSchema, O extends AnyObjectSchema>(
  def: Omit<ToolDef<I, O>, "access" | "annotations" | "name"> & { name: N },
  flags: { destructive: boolean; idempotent: boolean; reducesRisk?: boolean },
): NamedToolDef<N, I, O> {
  return {
    ...def,
    access: "trade",
    ...(flags.reducesRisk ? { reducesRisk: true } : {}),
    annotations: {
      title: def.title,
      readOnlyHint: false,
      destructiveHint: flags.destructive,
      idempotentHint: flags.idempotent,
      openWorldHint: true,
    },
  };
}
