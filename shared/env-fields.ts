import { z } from "zod";
import { parseToolsets } from "./toolsets.ts";

/** The parsers of one environment variable each: the value as text in, the typed value or an issue out. */
export const boolFromEnv = (dflt: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "use true or false" })
    .optional()
    .transform((v) => (v === undefined ? dflt : v === "true" || v === "1" || v === "yes"));

export const intFromEnv = (dflt: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

export const listFromEnv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const toolsetsFromEnv = z
  .string()
  .optional()
  .transform((v, ctx) => {
    // unset: the gateway's default, which depends on MCP_ENABLE_TRADING (defaultToolsets)
    if (v === undefined || v.trim() === "") return undefined;
    const parsed = parseToolsets(v);
    if ("toolsets" in parsed) return parsed.toolsets;
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  });

export const positiveNumberFromEnv = (dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return dflt;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: "a number greater than 0" });
        return z.NEVER;
      }
      return n;
    });

export const upperListFromEnv = (dflt: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? dflt)
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    );

export const upperOrDefaultList = (dflt: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v?.trim() ? v : dflt)
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    );

/** `read=ib:read,trade=ib:trade,live=ib:live`: which token scope grants which of ours (unnamed ones keep the default). */
export const oauthScopesFromEnv = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const map: Record<"read" | "trade" | "live", string> = {
      read: "ib:read",
      trade: "ib:trade",
      live: "ib:live",
    };
    for (const pair of (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [ours, theirs] = pair.split("=").map((s) => s.trim());
      if ((ours === "read" || ours === "trade" || ours === "live") && theirs && !/\s/.test(theirs))
        map[ours] = theirs;
      else {
        ctx.addIssue({ code: "custom", message: `"${pair}": use read=<scope>,trade=<scope>,live=<scope>` });
        return z.NEVER;
      }
    }
    return map;
  });

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** A subject prefix for reply inboxes: dot-separated tokens, no wildcards or whitespace. */
export const inboxPrefix = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(v)) {
      ctx.addIssue({
        code: "custom",
        message:
          "a subject prefix of letters, digits, _ - $ and dots, no wildcards or spaces (e.g. _INBOX_gateway)",
      });
      return z.NEVER;
    }
    return v;
  });
