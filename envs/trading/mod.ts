/**
 * `@openenv/trading`: a FinRL-style multi-asset stock trading environment
 * with technical indicators, transaction costs, a turbulence threshold and an
 * end-of-episode report (return, Sharpe ratio, max drawdown, turnover).
 *
 * @example Trade a synthetic market to the end
 * ```ts
 * import { syntheticMarket, TradingEnvironment } from "@openenv/trading";
 *
 * const env = new TradingEnvironment({ market: syntheticMarket({ days: 20, seed: 3 }) });
 * let obs = env.reset({});
 * while (!obs.done) obs = env.step({ actions: [0.1, 0, -0.1], metadata: {} });
 * console.log(obs.report?.total_return);
 * ```
 *
 * @module
 */
export * from "./data.ts";
export * from "./indicators.ts";
export * from "./models.ts";
export * from "./trading_environment.ts";
export { createTradingApp, type TradingAppOptions } from "./app.ts";
