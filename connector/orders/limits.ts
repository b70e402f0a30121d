import type { ConnectorEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder, LimitCheck, TradingLimits } from "../../shared/schemas/order.ts";

export type LimitConfig = Pick<
  ConnectorEnv,
  | "ORDER_MAX_QUANTITY"
  | "ORDER_MAX_NOTIONAL"
  | "ORDER_DAILY_MAX_NOTIONAL"
  | "ORDER_SYMBOL_ALLOWLIST"
  | "ORDER_SYMBOL_DENYLIST"
  | "ORDER_SECTYPE_ALLOWLIST"
  | "ORDER_TYPE_ALLOWLIST"
  | "ORDER_PRICE_BAND_PCT"
>;

/** The limits as get_connection_status reports them. */
export function describeLimits(cfg: LimitConfig, dailyNotionalUsed: number): TradingLimits {
  return {
    maxQuantity: cfg.ORDER_MAX_QUANTITY,
    maxNotional: cfg.ORDER_MAX_NOTIONAL,
    dailyMaxNotional: cfg.ORDER_DAILY_MAX_NOTIONAL,
    dailyNotionalUsed,
    symbolAllowlist: cfg.ORDER_SYMBOL_ALLOWLIST,
    symbolDenylist: cfg.ORDER_SYMBOL_DENYLIST,
    secTypeAllowlist: cfg.ORDER_SECTYPE_ALLOWLIST,
    orderTypeAllowlist: cfg.ORDER_TYPE_ALLOWLIST,
    priceBandPct: cfg.ORDER_PRICE_BAND_PCT,
  };
}

/** The kinds an order is made of that the operator must have listed: each leg's type, its algo, OCA for a group. */
function kindsOf(o: BoundOrder): string[] {
  const kinds = new Set<string>([o.order_type, ...(o.oca_orders ?? []).map((l) => l.order_type)]);
  if (o.algo) kinds.add(o.algo);
  if (o.oca_orders) kinds.add("OCA");
  return [...kinds];
}

const round = (n: number) => String(Math.round(n * 100) / 100);

/**
 * Every configured limit applied to one order. `lastPrice` is the market's last price (band check);
 * `dailyUsed` the notional placed today. A modification counts its full notional again (conservative).
 */
export function checkLimits(
  cfg: LimitConfig,
  o: BoundOrder,
  lastPrice: number,
  dailyUsed: number,
): LimitCheck[] {
  const symbol = o.symbol.toUpperCase();
  const checks: LimitCheck[] = [
    {
      name: "symbol_denylist",
      limit: cfg.ORDER_SYMBOL_DENYLIST.join(",") || "(none)",
      value: symbol,
      ok: !cfg.ORDER_SYMBOL_DENYLIST.includes(symbol),
    },
    {
      name: "symbol_allowlist",
      limit: cfg.ORDER_SYMBOL_ALLOWLIST.join(",") || "(any)",
      value: symbol,
      ok: cfg.ORDER_SYMBOL_ALLOWLIST.length === 0 || cfg.ORDER_SYMBOL_ALLOWLIST.includes(symbol),
    },
    {
      name: "sec_type_allowlist",
      limit: cfg.ORDER_SECTYPE_ALLOWLIST.join(","),
      value: o.sec_type,
      ok: cfg.ORDER_SECTYPE_ALLOWLIST.includes(o.sec_type),
    },
    ...kindsOf(o).map((kind) => ({
      name: "order_type_allowlist",
      limit: cfg.ORDER_TYPE_ALLOWLIST.join(","),
      value: kind,
      ok: cfg.ORDER_TYPE_ALLOWLIST.includes(kind.toUpperCase()),
    })),
    {
      name: "max_quantity",
      limit: round(cfg.ORDER_MAX_QUANTITY),
      value: round(o.quantity),
      ok: o.quantity <= cfg.ORDER_MAX_QUANTITY,
    },
    {
      name: "max_notional",
      limit: round(cfg.ORDER_MAX_NOTIONAL),
      value: round(o.notional),
      ok: o.notional <= cfg.ORDER_MAX_NOTIONAL,
    },
    {
      name: "daily_max_notional",
      limit: round(cfg.ORDER_DAILY_MAX_NOTIONAL),
      value: `${round(dailyUsed)} used + ${round(o.notional)}`,
      ok: dailyUsed + o.notional <= cfg.ORDER_DAILY_MAX_NOTIONAL,
    },
  ];
  const prices: Array<[string, number | undefined]> = [
    ["limit_price", o.limit_price],
    ["stop_price", o.stop_price],
    ["take_profit_price", o.take_profit_price],
    ["stop_loss_price", o.stop_loss_price],
    ...(o.oca_orders ?? []).flatMap(
      (l, k): Array<[string, number | undefined]> => [
        [`oca_orders[${k}].limit_price`, l.limit_price],
        [`oca_orders[${k}].stop_price`, l.stop_price],
      ],
    ),
  ];
  for (const [name, price] of prices) {
    if (price === undefined) continue;
    const pct = (Math.abs(price - lastPrice) / lastPrice) * 100;
    checks.push({
      name: `price_band:${name}`,
      limit: `±${cfg.ORDER_PRICE_BAND_PCT}% of last ${round(lastPrice)}`,
      value: `${price} (${round(pct)}%)`,
      ok: pct <= cfg.ORDER_PRICE_BAND_PCT,
    });
  }
  return checks;
}

/** Throws INVALID_ARGUMENT naming every failed limit; the limits come from the operator's config. */
export function assertWithinLimits(checks: readonly LimitCheck[]): void {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return;
  const parts = failed.map((c) => `${c.name}: ${c.value} exceeds the limit ${c.limit}`);
  throw new IbMcpError(
    "INVALID_ARGUMENT",
    `order refused by this server's trading limits (${parts.join("; ")}); change the order to fit, or ask the operator to change the limit`,
  );
}
