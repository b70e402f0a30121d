/** Standard normal CDF (Abramowitz-Stegun 26.2.17, error < 7.5e-8). */
export function normCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

function normPdf(x: number): number {
  return 0.3989422804014327 * Math.exp((-x * x) / 2);
}

export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}

/** Black-Scholes price and greeks (vega per 1 vol point, theta per calendar day), rate r, no dividends. */
export function blackScholes(
  right: "C" | "P",
  spot: number,
  strike: number,
  years: number,
  vol: number,
  r = 0.04,
): Greeks {
  const t = Math.max(years, 1 / 365);
  const sq = vol * Math.sqrt(t);
  const d1 = (Math.log(spot / strike) + (r + (vol * vol) / 2) * t) / sq;
  const d2 = d1 - sq;
  const disc = Math.exp(-r * t);
  const gamma = normPdf(d1) / (spot * sq);
  const vega = (spot * normPdf(d1) * Math.sqrt(t)) / 100;
  if (right === "C") {
    const price = spot * normCdf(d1) - strike * disc * normCdf(d2);
    const theta = (-(spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) - r * strike * disc * normCdf(d2)) / 365;
    return { price, delta: normCdf(d1), gamma, vega, theta };
  }
  const price = strike * disc * normCdf(-d2) - spot * normCdf(-d1);
  const theta = (-(spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) + r * strike * disc * normCdf(-d2)) / 365;
  return { price, delta: normCdf(d1) - 1, gamma, vega, theta };
}

/** The simulated implied volatility: a base level with a mild smile in moneyness. */
export function impliedVol(baseVol: number, spot: number, strike: number): number {
  const m = Math.log(strike / spot);
  return baseVol + 0.6 * m * m - 0.08 * m;
}
