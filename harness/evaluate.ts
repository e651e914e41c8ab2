/**
 * `evaluate`: a fixed set of seeded episodes, reported as mean reward and
 * success rate with 95% confidence intervals.
 *
 * @module
 */
import { collect, type CollectOptions } from "./collect.ts";
import { meanInterval, wilsonInterval } from "./_stats.ts";

/** Options for {@linkcode evaluate}. */
export interface EvaluateOptions extends Omit<CollectOptions, "episodes" | "seed" | "resume"> {
  /** The seeds, one episode each, so runs are comparable. */
  seeds: number[];
}

/** An evaluation report. */
export interface EvaluationReport {
  /** Episodes that finished. */
  episodes: number;
  /** Episodes that failed to run. */
  failed: number;
  /** Mean episode reward and its 95% t-interval. */
  meanReward: { mean: number; low: number; high: number };
  /** Success rate (total reward at least the threshold) and its 95% Wilson interval. */
  successRate: { rate: number; low: number; high: number };
  /** Reward of each seed, in seed order (null for a failed episode). */
  rewards: { seed: number; reward: number | null }[];
}

/**
 * Runs one episode per seed and summarises.
 *
 * @example
 * ```ts ignore
 * import { evaluate } from "@openenv/core/harness";
 *
 * const report = await evaluate({
 *   baseUrls: ["http://127.0.0.1:8000"],
 *   seeds: [1, 2, 3, 4, 5, 6, 7, 8],
 *   policy: () => ({ message: "hello" }),
 *   maxSteps: 1,
 *   successThreshold: 0.5,
 * });
 * console.log(report.meanReward, report.successRate);
 * ```
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const threshold = options.successThreshold ?? 1;
  const result = await collect({
    ...options,
    episodes: options.seeds.length,
    seed: (i) => options.seeds[i],
    resume: false,
  });
  const byIndex = new Map(result.trajectories.map((t) => [t.index, t]));
  const rewards = options.seeds.map((seed, i) => ({
    seed,
    reward: byIndex.get(i)?.total_reward ?? null,
  }));
  const finished = result.trajectories;
  const successes = finished.filter((t) => t.total_reward >= threshold).length;
  return {
    episodes: finished.length,
    failed: result.failed,
    meanReward: meanInterval(finished.map((t) => t.total_reward)),
    successRate: wilsonInterval(successes, finished.length),
    rewards,
  };
}
