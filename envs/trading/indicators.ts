/**
 * Technical indicators and the turbulence index, computed once per market
 * with the `trading-signals` library.
 *
 * @module
 */
import { ADX, BollingerBands, CCI, DX, EMA, MACD, RSI, SMA } from "trading-signals";
import type { Market } from "./data.ts";

/** Indicators the environment knows, named as FinRL names them. */
export const INDICATORS = [
  "macd",
  "boll_ub",
  "boll_lb",
  "rsi_30",
  "cci_30",
  "dx_30",
  "adx_30",
  "close_30_sma",
  "close_60_sma",
] as const;

/** One indicator name. */
export type IndicatorName = typeof INDICATORS[number];

/** FinRL's default indicator list. */
export const DEFAULT_INDICATORS: IndicatorName[] = [
  "macd",
  "boll_ub",
  "boll_lb",
  "rsi_30",
  "cci_30",
  "dx_30",
  "close_30_sma",
  "close_60_sma",
];

interface Feed {
  add(bar: { high: number; low: number; close: number }): number | null;
}

function closeFeed(
  ind: { add(v: number): unknown; isStable: boolean; getResult(): unknown },
): Feed {
  return {
    add: (bar) => {
      ind.add(bar.close);
      return ind.isStable ? Number(ind.getResult()) : null;
    },
  };
}

function hlcFeed(ind: {
  add(v: { high: number; low: number; close: number }): unknown;
  isStable: boolean;
  getResult(): unknown;
}): Feed {
  return {
    add: (bar) => {
      ind.add(bar);
      return ind.isStable ? Number(ind.getResult()) : null;
    },
  };
}

function makeFeed(name: IndicatorName): Feed {
  switch (name) {
    case "macd": {
      const m = new MACD(new EMA(12), new EMA(26), new EMA(9));
      return {
        add: (bar) => {
          m.add(bar.close);
          return m.isStable ? m.getResultOrThrow().macd : null;
        },
      };
    }
    case "boll_ub":
    case "boll_lb": {
      const bb = new BollingerBands(20, 2);
      return {
        add: (bar) => {
          bb.add(bar.close);
          if (!bb.isStable) return null;
          const r = bb.getResultOrThrow();
          return name === "boll_ub" ? r.upper : r.lower;
        },
      };
    }
    case "rsi_30":
      return closeFeed(new RSI(30));
    case "cci_30":
      return hlcFeed(new CCI(30));
    case "dx_30":
      return hlcFeed(new DX(30));
    case "adx_30":
      return hlcFeed(new ADX(30));
    case "close_30_sma":
      return closeFeed(new SMA(30));
    case "close_60_sma":
      return closeFeed(new SMA(60));
  }
}

/**
 * Computes `values[day][asset][k]` for the named indicators. Days before an
 * indicator has enough history hold the close price for price-like
 * indicators (bands, moving averages) and 0 for oscillators, so the state
 * never carries NaN.
 *
 * @example
 * ```ts
 * import { computeIndicators, syntheticMarket } from "@openenv/trading";
 *
 * const m = syntheticMarket({ days: 80, seed: 1 });
 * const v = computeIndicators(m, ["rsi_30", "close_30_sma"]);
 * console.log(v[79][0].length); // 2
 * ```
 */
export function computeIndicators(market: Market, names: readonly IndicatorName[]): number[][][] {
  const priceLike = new Set<IndicatorName>(["boll_ub", "boll_lb", "close_30_sma", "close_60_sma"]);
  const feeds = market.tickers.map(() => names.map(makeFeed));
  return market.bars.map((row) =>
    row.map((bar, a) =>
      feeds[a].map((feed, k) => {
        const v = feed.add(bar);
        if (v !== null && Number.isFinite(v)) return v;
        return priceLike.has(names[k]) ? bar.close : 0;
      })
    )
  );
}

/**
 * The turbulence index of each day (Kritzman and Li): the Mahalanobis
 * distance of the day's asset returns from their mean over the previous
 * `window` days. Zero until the window is full.
 */
export function computeTurbulence(market: Market, window = 252): number[] {
  const n = market.tickers.length;
  const returns = market.bars.map((row, d) =>
    d === 0 ? row.map(() => 0) : row.map((bar, a) => bar.close / market.bars[d - 1][a].close - 1)
  );
  return returns.map((today, d) => {
    if (d <= window) return 0;
    const past = returns.slice(d - window, d);
    const mean = Array.from({ length: n }, (_, a) => past.reduce((s, r) => s + r[a], 0) / window);
    const cov = Array.from(
      { length: n },
      (_, i) =>
        Array.from(
          { length: n },
          (_, j) =>
            past.reduce((s, r) => s + (r[i] - mean[i]) * (r[j] - mean[j]), 0) / (window - 1) +
            (i === j ? 1e-10 : 0),
        ),
    );
    const diff = today.map((r, a) => r - mean[a]);
    const x = solve(cov, diff);
    return diff.reduce((s, v, i) => s + v * x[i], 0);
  });
}

/** Solves `A x = b` by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const pivot = m[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / pivot;
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / (m[r][r] || 1e-12);
  }
  return x;
}
