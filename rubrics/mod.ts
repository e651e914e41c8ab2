/**
 * Rubrics (RFC 004): composable reward computations. A {@linkcode Rubric}
 * scores an action and its observation (sync or async); containers combine
 * rubrics ({@linkcode Sequential}, {@linkcode Gate}, {@linkcode WeightedSum},
 * {@linkcode RubricList}, {@linkcode RubricDict}); {@linkcode LLMJudge} asks
 * any OpenAI-compatible model; trajectory rubrics score whole episodes and
 * assign per-step rewards.
 *
 * An environment attaches a rubric as its `rubric` property; the server
 * resets it on every reset, scores every step with it (its score becomes the
 * reward when the environment leaves `reward` null) and, when an episode
 * ends, puts a trajectory rubric's per-step rewards in
 * `observation.metadata.step_rewards`.
 *
 * @example An environment whose reward comes from a rubric
 * ```ts
 * import { Environment, type Observation, type State } from "@openenv/core";
 * import { FunctionRubric, Gate, Sequential, WeightedSum } from "@openenv/core/rubrics";
 *
 * const rubric = new Sequential(
 *   new Gate(new FunctionRubric((a: { code: string }) => (a.code.length > 0 ? 1 : 0))),
 *   new WeightedSum(
 *     [new FunctionRubric(() => 1), new FunctionRubric(() => 0.5)],
 *     [0.7, 0.3],
 *   ),
 * );
 *
 * class Coder extends Environment {
 *   readonly rubric = rubric;
 *   readonly state: State = { episode_id: null, step_count: 0 };
 *   reset(): Observation {
 *     return { done: false, reward: null, metadata: {} };
 *   }
 *   step(): Observation {
 *     return { done: false, reward: null, metadata: {} }; // the server fills in the reward
 *   }
 * }
 * rubric.score({ code: "x" }, {}); // 0.85
 * ```
 *
 * @module
 */
export * from "./rubric.ts";
export * from "./containers.ts";
export * from "./trajectory.ts";
export * from "./llm_judge.ts";
export * from "./openai_client.ts";
