/**
 * `@openenv/core`: isolated execution environments for agentic reinforcement
 * learning, with a Gymnasium-style API (`reset`, `step`, `state`) that speaks
 * the OpenEnv wire protocol.
 *
 * This entry holds the wire models, the {@linkcode Environment} contract and
 * the error types; it is runtime-neutral and light. The server lives in
 * `@openenv/core/server`, the client in `@openenv/core/client`.
 *
 * @example Write an environment
 * ```ts
 * import { ActionSchema, Environment, ObservationSchema, type State } from "@openenv/core";
 * import { z } from "zod";
 *
 * const Say = ActionSchema.extend({ text: z.string() });
 * const Heard = ObservationSchema.extend({ heard: z.string() });
 *
 * class Parrot extends Environment<z.infer<typeof Say>, z.infer<typeof Heard>> {
 *   #state: State = { episode_id: null, step_count: 0 };
 *   reset(): z.infer<typeof Heard> {
 *     this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
 *     return { heard: "", done: false, reward: null, metadata: {} };
 *   }
 *   step(action: z.infer<typeof Say>): z.infer<typeof Heard> {
 *     this.#state.step_count++;
 *     return { heard: action.text, done: false, reward: 1, metadata: {} };
 *   }
 *   get state(): State {
 *     return this.#state;
 *   }
 * }
 * ```
 *
 * @module
 */
export * from "./core/mod.ts";
