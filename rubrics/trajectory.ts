/**
 * Trajectory rubrics for delayed rewards (RFC 004): score the whole episode
 * when it ends, then assign per-step rewards (credit assignment).
 *
 * Three credit-assignment schemes are provided, for a final score `R` over
 * `T` steps (`t = 0 … T-1`):
 *
 * | Class | Step reward `r_t` | Sum |
 * | --- | --- | --- |
 * | {@linkcode ExponentialDiscountingTrajectoryRubric} | `R · γ^(T-1-t)` | `R·(1-γ^T)/(1-γ)` |
 * | {@linkcode UniformTrajectoryRubric} | `R / T` | `R` |
 * | {@linkcode TerminalTrajectoryRubric} | `0` except `r_(T-1) = R` | `R` |
 *
 * @module
 */
import { type MaybePromise, then } from "./_maybe.ts";
import { Rubric } from "./rubric.ts";

/** One step of a trajectory: the action and the observation it produced. */
// deno-lint-ignore no-explicit-any
export type TrajectoryStep<A = any, O = any> = readonly [action: A, observation: O];

/** Options for {@linkcode TrajectoryRubric}. */
// deno-lint-ignore no-explicit-any
export interface TrajectoryRubricOptions<A = any, O = any> {
  /** Score returned for steps before the end of the episode. @default {0.0} */
  intermediateReward?: number;
  /**
   * Scores the finished trajectory, instead of overriding
   * {@linkcode TrajectoryRubric.scoreTrajectory}. May be async.
   */
  score?: (trajectory: TrajectoryStep<A, O>[]) => MaybePromise<number>;
}

function isDone(observation: unknown): boolean {
  return observation !== null && typeof observation === "object" &&
    Boolean((observation as { done?: unknown }).done);
}

/**
 * Accumulates `(action, observation)` steps and scores the trajectory when
 * an observation has `done` set; before that it returns
 * `intermediateReward`. Subclasses define the credit assignment in
 * {@linkcode TrajectoryRubric.computeStepRewards}. `reset()` starts a new
 * episode (the server calls it on every reset).
 *
 * @example A win/loss rubric with equal credit
 * ```ts
 * import { UniformTrajectoryRubric } from "@openenv/core/rubrics";
 *
 * const rubric = new UniformTrajectoryRubric({
 *   score: (trajectory) => (trajectory.at(-1)![1].won ? 1 : 0),
 * });
 * rubric.score("a", { done: false, won: false }); // 0
 * rubric.score("b", { done: true, won: true }); // 1
 * rubric.computeStepRewards(); // [0.5, 0.5]
 * ```
 */
// deno-lint-ignore no-explicit-any
export abstract class TrajectoryRubric<A = any, O = any> extends Rubric<A, O> {
  /** Score returned for steps before the end of the episode. */
  intermediateReward: number;
  #trajectory: TrajectoryStep<A, O>[] = [];
  #final: { length: number; score: MaybePromise<number> } | null = null;
  readonly #scoreFn?: (trajectory: TrajectoryStep<A, O>[]) => MaybePromise<number>;

  /**
   * Creates the rubric.
   *
   * @param options Intermediate reward and, optionally, the trajectory scorer.
   */
  constructor(options: TrajectoryRubricOptions<A, O> = {}) {
    super();
    this.intermediateReward = options.intermediateReward ?? 0.0;
    this.#scoreFn = options.score;
  }

  /** Records the step; scores the trajectory when the episode is over. */
  forward(action: A, observation: O): MaybePromise<number> {
    this.#trajectory.push([action, observation]);
    if (!isDone(observation)) return this.intermediateReward;
    return this.finalScore();
  }

  /**
   * Scores a finished trajectory (typically in [0, 1]). The default calls
   * the `score` option.
   *
   * @param trajectory The steps of the episode.
   * @throws {TypeError} When neither overridden nor given as an option.
   */
  scoreTrajectory(trajectory: TrajectoryStep<A, O>[]): MaybePromise<number> {
    if (!this.#scoreFn) {
      throw new TypeError(
        `${this.constructor.name} cannot score: override scoreTrajectory() or pass options.score`,
      );
    }
    return this.#scoreFn(trajectory);
  }

  /**
   * The score of the current trajectory, computed once per trajectory length
   * (so an expensive scorer, such as an LLM judge, runs once per episode).
   */
  protected finalScore(): MaybePromise<number> {
    if (this.#final?.length !== this.#trajectory.length) {
      this.#final = {
        length: this.#trajectory.length,
        score: this.scoreTrajectory(this.trajectory),
      };
    }
    return this.#final.score;
  }

  /**
   * Per-step rewards for the accumulated trajectory, one per step (empty
   * for an empty trajectory): the credit-assignment scheme.
   */
  abstract computeStepRewards(): MaybePromise<number[]>;

  /** Clears the trajectory; called on every environment reset. */
  override reset(): MaybePromise<void> {
    this.#trajectory = [];
    this.#final = null;
    return super.reset();
  }

  /** A copy of the steps so far. */
  get trajectory(): TrajectoryStep<A, O>[] {
    return [...this.#trajectory];
  }

  /** `{intermediate_reward}` (configuration only, never the trajectory). */
  override stateDict(): Record<string, unknown> {
    return { intermediate_reward: this.intermediateReward };
  }

  /** Loads `intermediate_reward`. */
  override loadStateDict(state: Record<string, unknown>): void {
    if (typeof state.intermediate_reward === "number") {
      this.intermediateReward = state.intermediate_reward;
    }
  }

  /** Maps the final score to step rewards with `perStep(R, t, T)`. */
  protected assign(perStep: (final: number, t: number, length: number) => number): MaybePromise<
    number[]
  > {
    const length = this.#trajectory.length;
    if (length === 0) return [];
    return then(
      this.finalScore(),
      (final) => Array.from({ length }, (_, t) => perStep(final, t, length)),
    );
  }
}

/** Options for {@linkcode ExponentialDiscountingTrajectoryRubric}. */
// deno-lint-ignore no-explicit-any
export interface ExponentialDiscountingOptions<A = any, O = any>
  extends TrajectoryRubricOptions<A, O> {
  /** Discount factor in [0, 1]. @default {0.99} */
  gamma?: number;
}

/**
 * Credit by exponential discounting back from the end:
 * `r_t = R · γ^(T-1-t)`. γ = 1 gives every step `R`; γ = 0 gives only the
 * last step `R`.
 *
 * @example
 * ```ts
 * import { ExponentialDiscountingTrajectoryRubric } from "@openenv/core/rubrics";
 *
 * const r = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.5, score: () => 1 });
 * r.score("a", { done: false });
 * r.score("b", { done: false });
 * r.score("c", { done: true });
 * r.computeStepRewards(); // [0.25, 0.5, 1]
 * ```
 */
// deno-lint-ignore no-explicit-any
export class ExponentialDiscountingTrajectoryRubric<A = any, O = any>
  extends TrajectoryRubric<A, O> {
  /** Discount factor. */
  gamma: number;

  /**
   * Creates the rubric.
   *
   * @param options Discount factor, intermediate reward and scorer.
   * @throws {RangeError} When gamma is outside [0, 1].
   */
  constructor(options: ExponentialDiscountingOptions<A, O> = {}) {
    super(options);
    const gamma = options.gamma ?? 0.99;
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new RangeError(`gamma must be in [0, 1], got ${gamma}`);
    }
    this.gamma = gamma;
  }

  /** `R · γ^(T-1-t)` for each step. */
  computeStepRewards(): MaybePromise<number[]> {
    return this.assign((final, t, length) => final * this.gamma ** (length - 1 - t));
  }

  /** `{intermediate_reward, gamma}`. */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), gamma: this.gamma };
  }

  /** Loads `intermediate_reward` and `gamma`. */
  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(state);
    if (typeof state.gamma === "number") this.gamma = state.gamma;
  }
}

/**
 * Equal shares: every step gets `R / T`, so the step rewards sum to the
 * episode score (unlike γ = 1 discounting, which gives every step `R`).
 *
 * @example
 * ```ts
 * import { UniformTrajectoryRubric } from "@openenv/core/rubrics";
 *
 * const r = new UniformTrajectoryRubric({ score: () => 1 });
 * for (const done of [false, false, false, true]) r.score("a", { done });
 * r.computeStepRewards(); // [0.25, 0.25, 0.25, 0.25]
 * ```
 */
// deno-lint-ignore no-explicit-any
export class UniformTrajectoryRubric<A = any, O = any> extends TrajectoryRubric<A, O> {
  /** `R / T` for each step. */
  computeStepRewards(): MaybePromise<number[]> {
    return this.assign((final, _t, length) => final / length);
  }
}

/**
 * All credit to the last step: `[0, …, 0, R]` (sparse terminal reward).
 *
 * @example
 * ```ts
 * import { TerminalTrajectoryRubric } from "@openenv/core/rubrics";
 *
 * const r = new TerminalTrajectoryRubric({ score: () => 0.8 });
 * r.score("a", { done: false });
 * r.score("b", { done: true });
 * r.computeStepRewards(); // [0, 0.8]
 * ```
 */
// deno-lint-ignore no-explicit-any
export class TerminalTrajectoryRubric<A = any, O = any> extends TrajectoryRubric<A, O> {
  /** `R` for the last step, 0 for the others. */
  computeStepRewards(): MaybePromise<number[]> {
    return this.assign((final, t, length) => (t === length - 1 ? final : 0));
  }
}
