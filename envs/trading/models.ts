/**
 * Wire models of the trading environment.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { z } from "zod";

/**
 * A trading action: one value per asset in [-1, 1], scaled by the maximum
 * trade size (`hmax`) to a number of shares; negative sells, positive buys.
 */
export const TradingAction: z.ZodObject<
  typeof ActionSchema.shape & { actions: z.ZodArray<z.ZodNumber> },
  z.core.$strict
> = ActionSchema.extend({
  actions: z.array(z.number().min(-1).max(1)).describe(
    "One value per asset in [-1, 1]; times hmax gives shares to sell (<0) or buy (>0)",
  ),
}).describe("Trading action: target trade per asset.");

/** A value of {@linkcode TradingAction}. */
export type TradingAction = z.infer<typeof TradingAction>;

/** End-of-episode summary. */
export const EpisodeReport: z.ZodObject<{
  total_return: z.ZodNumber;
  sharpe_ratio: z.ZodNumber;
  max_drawdown: z.ZodNumber;
  turnover: z.ZodNumber;
  trades: z.ZodNumber;
  costs: z.ZodNumber;
  final_value: z.ZodNumber;
}> = z.object({
  total_return: z.number().describe("Final value / initial value - 1"),
  sharpe_ratio: z.number().describe("Annualised Sharpe ratio of daily returns (risk-free 0)"),
  max_drawdown: z.number().describe(
    "Largest peak-to-trough fall of the portfolio value, as a fraction",
  ),
  turnover: z.number().describe("Traded value / mean portfolio value"),
  trades: z.number().int().describe("Number of executed trades"),
  costs: z.number().describe("Transaction costs paid"),
  final_value: z.number().describe("Portfolio value at the end"),
});

/** A value of {@linkcode EpisodeReport}. */
export type EpisodeReport = z.infer<typeof EpisodeReport>;

/** A trading observation. */
export const TradingObservation: z.ZodObject<
  typeof ObservationSchema.shape & {
    state: z.ZodArray<z.ZodNumber>;
    portfolio_value: z.ZodNumber;
    date: z.ZodString;
    cash: z.ZodNumber;
    tickers: z.ZodArray<z.ZodString>;
    prices: z.ZodArray<z.ZodNumber>;
    holdings: z.ZodArray<z.ZodNumber>;
    indicators: z.ZodRecord<z.ZodString, z.ZodArray<z.ZodNumber>>;
    turbulence: z.ZodNumber;
    report: z.ZodNullable<typeof EpisodeReport>;
  },
  z.core.$strict
> = ObservationSchema.extend({
  state: z.array(z.number()).describe(
    "FinRL layout: [cash, close x D, holdings x D, indicator_1 x D, indicator_2 x D, ...]",
  ),
  portfolio_value: z.number().describe("Cash plus holdings at closing prices"),
  date: z.string().describe("Current trading day"),
  cash: z.number(),
  tickers: z.array(z.string()),
  prices: z.array(z.number()).describe("Closing prices, one per ticker"),
  holdings: z.array(z.number().int()).describe("Shares held, one per ticker"),
  indicators: z.record(z.string(), z.array(z.number())).describe(
    "Indicator name -> value per ticker",
  ),
  turbulence: z.number().describe("Turbulence index of the day (0 when not computed)"),
  report: EpisodeReport.nullable().describe("Episode summary, on the last step only"),
}).describe("Trading observation: portfolio, prices and indicators.");

/** A value of {@linkcode TradingObservation}. */
export type TradingObservation = z.infer<typeof TradingObservation>;

/** State of the trading environment. */
export const TradingState: z.ZodObject<
  typeof StateSchema.shape & { day: z.ZodNumber; portfolio_value: z.ZodNumber },
  z.core.$loose
> = StateSchema.extend({
  day: z.number().int().describe("Index of the current trading day"),
  portfolio_value: z.number(),
});

/** A value of {@linkcode TradingState}. */
export type TradingState = z.infer<typeof TradingState>;
