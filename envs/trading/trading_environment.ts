/**
 * A multi-asset stock trading environment in the style of FinRL's
 * `StockTradingEnv`: continuous actions per asset scaled by a maximum trade
 * size, transaction costs, a turbulence threshold, and a reward equal to the
 * change in portfolio value times a scaling factor.
 *
 * @module
 */
import { Environment, type EnvironmentMetadata, type ResetOptions } from "@openenv/core";
import { type Market, syntheticMarket, type SyntheticMarketOptions } from "./data.ts";
import {
  computeIndicators,
  computeTurbulence,
  DEFAULT_INDICATORS,
  type IndicatorName,
} from "./indicators.ts";
import type { EpisodeReport, TradingAction, TradingObservation, TradingState } from "./models.ts";

/** Options of {@linkcode TradingEnvironment}. Defaults follow FinRL's. */
export interface TradingConfig {
  /** Fixed market data; without it a synthetic market is generated (and re-generated from a reset seed). */
  market?: Market;
  /** Options of the synthetic market. */
  synthetic?: SyntheticMarketOptions;
  /** Largest trade per asset and step, in shares (actions are scaled by it). @default {100} */
  hmax?: number;
  /** Starting cash. @default {1000000} */
  initialAmount?: number;
  /** Shares held at the start, one per ticker. @default {all zero} */
  initialShares?: number[];
  /** Cost of a buy as a fraction of its value, one number or one per ticker. @default {0.001} */
  buyCostPct?: number | number[];
  /** Cost of a sell as a fraction of its value. @default {0.001} */
  sellCostPct?: number | number[];
  /** Reward = change in portfolio value x this. @default {1e-4} */
  rewardScaling?: number;
  /** Above this turbulence index every holding is sold and buying stops. @default {null (off)} */
  turbulenceThreshold?: number | null;
  /** Look-back window of the turbulence index, in days. @default {252} */
  turbulenceWindow?: number;
  /** Indicators in the state, in this order. @default {DEFAULT_INDICATORS} */
  indicators?: IndicatorName[];
}

interface Prepared {
  market: Market;
  indicators: number[][][];
  turbulence: number[];
}

const perAsset = (v: number | number[], n: number): number[] =>
  Array.isArray(v) ? v : new Array<number>(n).fill(v);

/**
 * Trades a portfolio over a market's date range.
 *
 * @example Buy, then read the portfolio
 * ```ts
 * import { syntheticMarket, TradingEnvironment } from "@openenv/trading";
 *
 * const env = new TradingEnvironment({ market: syntheticMarket({ tickers: ["A", "B"], days: 10 }) });
 * env.reset({});
 * const obs = env.step({ actions: [0.5, -0.2], metadata: {} });
 * console.log(obs.holdings); // [50, 0]
 * ```
 */
export class TradingEnvironment
  extends Environment<TradingAction, TradingObservation, TradingState> {
  #config: Required<Omit<TradingConfig, "market" | "synthetic" | "initialShares">> & {
    initialShares?: number[];
  };
  #fixed?: Market;
  #synthetic: SyntheticMarketOptions;
  #data!: Prepared;
  #dataSeed: number | undefined = undefined;
  #day = 0;
  #cash = 0;
  #holdings: number[] = [];
  #values: number[] = [];
  #traded = 0;
  #trades = 0;
  #costs = 0;
  #done = false;
  #state: TradingState = { episode_id: null, step_count: 0, day: 0, portfolio_value: 0 };

  /** Creates the environment and starts a first episode. */
  constructor(config: TradingConfig = {}) {
    super();
    this.#config = {
      hmax: config.hmax ?? 100,
      initialAmount: config.initialAmount ?? 1_000_000,
      initialShares: config.initialShares,
      buyCostPct: config.buyCostPct ?? 0.001,
      sellCostPct: config.sellCostPct ?? 0.001,
      rewardScaling: config.rewardScaling ?? 1e-4,
      turbulenceThreshold: config.turbulenceThreshold ?? null,
      turbulenceWindow: config.turbulenceWindow ?? 252,
      indicators: config.indicators ?? DEFAULT_INDICATORS,
    };
    this.#fixed = config.market;
    this.#synthetic = config.synthetic ?? {};
    this.reset({});
  }

  #prepare(seed: number | undefined): void {
    if (this.#data && (this.#fixed || seed === undefined || seed === this.#dataSeed)) return;
    const market = this.#fixed ??
      syntheticMarket({ ...this.#synthetic, seed: seed ?? this.#synthetic.seed ?? 0 });
    if (market.dates.length < 2) throw new RangeError("the market needs at least two trading days");
    this.#data = {
      market,
      indicators: computeIndicators(market, this.#config.indicators),
      turbulence: computeTurbulence(market, this.#config.turbulenceWindow),
    };
    this.#dataSeed = seed;
  }

  /** Starts an episode on the first day; a seed regenerates a synthetic market. */
  reset(options: ResetOptions = {}): TradingObservation {
    this.#prepare(options.seed);
    const n = this.#data.market.tickers.length;
    const shares = this.#config.initialShares ?? new Array<number>(n).fill(0);
    if (shares.length !== n) {
      throw new RangeError(`initialShares has ${shares.length} entries for ${n} tickers`);
    }
    this.#day = 0;
    this.#cash = this.#config.initialAmount;
    this.#holdings = [...shares];
    this.#traded = 0;
    this.#trades = 0;
    this.#costs = 0;
    this.#done = false;
    this.#values = [this.#portfolioValue()];
    this.#state = {
      episode_id: options.episodeId ?? crypto.randomUUID(),
      step_count: 0,
      day: 0,
      portfolio_value: this.#values[0],
    };
    return this.#observe(0, null);
  }

  /**
   * Executes one day of trading: sells (most negative first), then buys
   * (largest first), then moves to the next day.
   *
   * @throws {RangeError} When the number of actions is not one per ticker.
   * @throws {Error} When the episode is over.
   */
  step(action: TradingAction): TradingObservation {
    const { tickers } = this.#data.market;
    if (this.#done) throw new Error("The episode is over: call reset() to start a new one");
    if (action.actions.length !== tickers.length) {
      throw new RangeError(
        `Expected ${tickers.length} actions (one per ticker: ${
          tickers.join(", ")
        }), got ${action.actions.length}`,
      );
    }
    const begin = this.#portfolioValue();
    const prices = this.#prices();
    const { hmax, turbulenceThreshold } = this.#config;
    const buyCost = perAsset(this.#config.buyCostPct, tickers.length);
    const sellCost = perAsset(this.#config.sellCostPct, tickers.length);
    const turbulent = turbulenceThreshold !== null &&
      this.#data.turbulence[this.#day] >= turbulenceThreshold;
    const shares = action.actions.map((a) => Math.trunc(a * hmax));
    const order = shares.map((_, i) => i).sort((a, b) => shares[a] - shares[b]);

    const sell = (i: number, wanted: number) => {
      const n = Math.min(wanted, this.#holdings[i]);
      if (prices[i] <= 0 || n <= 0) return;
      const value = prices[i] * n;
      this.#cash += value * (1 - sellCost[i]);
      this.#costs += value * sellCost[i];
      this.#holdings[i] -= n;
      this.#traded += value;
      this.#trades++;
    };
    if (turbulent) {
      for (let i = 0; i < tickers.length; i++) sell(i, this.#holdings[i]);
    } else {
      for (const i of order) if (shares[i] < 0) sell(i, -shares[i]);
      for (const i of [...order].reverse()) {
        if (shares[i] <= 0 || prices[i] <= 0) continue;
        const affordable = Math.floor(this.#cash / (prices[i] * (1 + buyCost[i])));
        const n = Math.min(affordable, shares[i]);
        if (n <= 0) continue;
        const value = prices[i] * n;
        this.#cash -= value * (1 + buyCost[i]);
        this.#costs += value * buyCost[i];
        this.#holdings[i] += n;
        this.#traded += value;
        this.#trades++;
      }
    }

    this.#day++;
    const end = this.#portfolioValue();
    this.#values.push(end);
    this.#done = this.#day >= this.#data.market.dates.length - 1;
    this.#state.step_count++;
    this.#state.day = this.#day;
    this.#state.portfolio_value = end;
    const reward = (end - begin) * this.#config.rewardScaling;
    return this.#observe(reward, this.#done ? this.#report() : null);
  }

  /** Episode id, step count, day index and portfolio value. */
  get state(): TradingState {
    return { ...this.#state };
  }

  /** Describes the environment. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "trading_env",
      description:
        "FinRL-style multi-asset stock trading: continuous actions per asset, transaction costs, turbulence threshold, reward = change in portfolio value x scaling.",
      version: "0.1.0",
    };
  }

  #prices(): number[] {
    return this.#data.market.bars[this.#day].map((b) => b.close);
  }

  #portfolioValue(): number {
    const prices = this.#prices();
    return this.#cash + this.#holdings.reduce((s, h, i) => s + h * prices[i], 0);
  }

  #observe(reward: number, report: EpisodeReport | null): TradingObservation {
    const { market, indicators, turbulence } = this.#data;
    const prices = this.#prices();
    const today = indicators[this.#day];
    const byName: Record<string, number[]> = {};
    this.#config.indicators.forEach((name, k) => {
      byName[name] = today.map((values) => values[k]);
    });
    return {
      state: [
        this.#cash,
        ...prices,
        ...this.#holdings,
        ...this.#config.indicators.flatMap((name) => byName[name]),
      ],
      portfolio_value: this.#portfolioValue(),
      date: market.dates[this.#day],
      cash: this.#cash,
      tickers: [...market.tickers],
      prices,
      holdings: [...this.#holdings],
      indicators: byName,
      turbulence: turbulence[this.#day],
      report,
      done: this.#done,
      reward,
      metadata: {},
    };
  }

  #report(): EpisodeReport {
    const v = this.#values;
    const returns = v.slice(1).map((x, i) => x / v[i] - 1);
    const mean = returns.reduce((s, r) => s + r, 0) / Math.max(returns.length, 1);
    const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) /
      Math.max(returns.length - 1, 1);
    const sd = Math.sqrt(variance);
    let peak = v[0];
    let maxDrawdown = 0;
    for (const x of v) {
      peak = Math.max(peak, x);
      maxDrawdown = Math.max(maxDrawdown, peak > 0 ? (peak - x) / peak : 0);
    }
    const meanValue = v.reduce((s, x) => s + x, 0) / v.length;
    return {
      total_return: v[v.length - 1] / v[0] - 1,
      sharpe_ratio: sd > 0 ? (mean / sd) * Math.sqrt(252) : 0,
      max_drawdown: maxDrawdown,
      turnover: meanValue > 0 ? this.#traded / meanValue : 0,
      trades: this.#trades,
      costs: this.#costs,
      final_value: v[v.length - 1],
    };
  }
}
