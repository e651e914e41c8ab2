/**
 * Types shared by the clients, the pool and the recorder.
 *
 * @module
 */
import type { ResetOptions } from "../core/environment.ts";

export type { ResetOptions };

/** Reward as the protocol carries it. */
export type Reward = number | boolean | null;

/**
 * The result of `reset()` and `step()`: the observation, with the reward and
 * the end-of-episode flag the server sent next to it.
 *
 * With schemas (a typed client), `observation` is the parsed observation,
 * which also holds `reward` and `done`. Without (a generic client), it is the
 * wire `observation` object as is.
 *
 * @typeParam O The observation type.
 */
export interface StepResult<O> {
  /** The observation. */
  observation: O;
  /** The reward of the step, if any. */
  reward: Reward;
  /** Whether the episode is over. */
  done: boolean;
}

/** Options every network call takes. */
export interface CallOptions {
  /** Cancels the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Time limit for the whole call (waiting for earlier calls, connecting and
   * the reply), in seconds. @default {the client's `messageTimeoutS`}
   */
  timeoutS?: number;
}

/**
 * Zod-compatible schemas of an environment's wire models. Anything with
 * `safeParse` fits, so the client does not load zod itself.
 *
 * @typeParam T The parsed type.
 */
export interface Schema<T> {
  /** Validates and converts a value. */
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: unknown };
}

/**
 * The schemas that make a client typed. Each is optional: a missing one
 * means that value is passed through unchecked.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface EnvSchemas<A, O, S> {
  /** Checks actions before they are sent. */
  action?: Schema<A>;
  /** Parses `{...observation, reward, done}` of every reset and step reply. */
  observation?: Schema<O>;
  /** Parses `state()` replies. */
  state?: Schema<S>;
}

/**
 * What the pool and the recorder need from a client: reset, step, state,
 * close. {@linkcode EnvClient}, {@linkcode HttpEnvClient} and recorded
 * clients implement it.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface EnvSession<A, O, S> {
  /** Starts a new episode. */
  reset(options?: ResetOptions, call?: CallOptions): Promise<StepResult<O>>;
  /** Applies an action. */
  step(action: A, call?: CallOptions): Promise<StepResult<O>>;
  /** The current state. */
  state(call?: CallOptions): Promise<S>;
  /** Ends the session. */
  close(): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
