/**
 * The coding environment's reward: the reference's safety and quality
 * transforms, with every number configurable.
 *
 * @module
 */
import type { CodingRewards } from "./config.ts";

/** What the reward looks at. */
export interface RewardInput {
  /** The code that ran. */
  code: string;
  /** Whether it parsed. */
  syntaxOk: boolean;
  /** Its exit code. */
  exitCode: number;
  /** Whether it hit the time limit. */
  timedOut: boolean;
}

/** The reward and, when a dangerous pattern matched, which one. */
export interface RewardResult {
  /** The reward. */
  reward: number;
  /** The first dangerous pattern that matched, if any. */
  safetyViolation: string | null;
}

/**
 * Scores one step. As in the reference: a dangerous pattern sets the reward
 * to `safetyPenalty`, then short code adds `shortCodeBonus` and code that does
 * not parse adds `syntaxErrorPenalty`; runtime errors and timeouts add
 * `errorPenalty` and `timeoutPenalty` (0 by default, as the reference).
 *
 * @example
 * ```ts
 * import { computeCodingReward, DEFAULT_CODING_REWARDS } from "@openenv/coding";
 *
 * const input = { code: "print(1)", syntaxOk: true, exitCode: 0, timedOut: false };
 * computeCodingReward(input, DEFAULT_CODING_REWARDS).reward; // 0.1
 * ```
 */
export function computeCodingReward(input: RewardInput, rewards: CodingRewards): RewardResult {
  const violation = rewards.dangerousPatterns.find((p) => new RegExp(p).test(input.code)) ?? null;
  let reward = violation !== null ? rewards.safetyPenalty : 0;
  if (input.code.trim().length <= rewards.shortCodeMaxChars) reward += rewards.shortCodeBonus;
  if (!input.syntaxOk) reward += rewards.syntaxErrorPenalty;
  else if (input.timedOut) reward += rewards.timeoutPenalty;
  else if (input.exitCode !== 0) reward += rewards.errorPenalty;
  return { reward: Math.round(reward * 1e9) / 1e9, safetyViolation: violation };
}
