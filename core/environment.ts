/**
 * The `Environment` contract: what a server drives for every session.
 *
 * @module
 */
import type { Action, EnvironmentMetadata, Observation, State } from "./models.ts";

/** A value or a promise of it: environments may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Options a client may pass to {@linkcode Environment.reset}.
 *
 * `seed` and `episodeId` are always delivered. Other keys reach the
 * environment only if the server was told about them (the `resetOptions`
 * schema of `createApp`); unknown keys are dropped, as the reference does.
 */
export interface ResetOptions {
  /** Seed for the episode's randomness (a non-negative integer). */
  seed?: number;
  /** Episode id chosen by the client (at most 255 characters). */
  episodeId?: string;
  /** Environment-specific options declared by the environment. */
  [key: string]: unknown;
}

/**
 * Options a client may pass to {@linkcode Environment.step}.
 *
 * Only HTTP `/step` can carry them (the WebSocket protocol has no room for
 * step options); environment-specific keys are filtered like reset options.
 */
export interface StepOptions {
  /** Time budget for this step, in seconds, as the client asked. */
  timeoutS?: number;
  /** Request id chosen by the client. */
  requestId?: string;
  /** Aborted when the session ends or the server's step timeout passes. */
  signal?: AbortSignal;
  /** Environment-specific options declared by the environment. */
  [key: string]: unknown;
}

/**
 * Base class of every environment: Gymnasium-style `reset`, `step` and
 * `state`, with optional metadata and cleanup.
 *
 * Implementations may be synchronous or asynchronous. The server creates one
 * instance per session through a factory, so instance fields are private to a
 * session.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 *
 * @example A counter environment
 * ```ts
 * import { Environment, type Observation, type State } from "@openenv/core";
 *
 * class Counter extends Environment {
 *   #state: State = { episode_id: null, step_count: 0 };
 *   reset(): Observation {
 *     this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
 *     return { done: false, reward: null, metadata: {} };
 *   }
 *   step(): Observation {
 *     this.#state.step_count++;
 *     return { done: this.#state.step_count >= 3, reward: 1, metadata: {} };
 *   }
 *   get state(): State {
 *     return this.#state;
 *   }
 * }
 *
 * const env = new Counter();
 * env.reset({});
 * env.step({ metadata: {} }, {});
 * ```
 */
export abstract class Environment<
  A extends Action = Action,
  O extends Observation = Observation,
  S extends State = State,
> {
  /**
   * Starts a new episode and returns its first observation.
   *
   * @param options Seed, episode id and declared environment options.
   */
  abstract reset(options: ResetOptions): MaybePromise<O>;

  /**
   * Applies an action and returns the resulting observation.
   *
   * @param action The validated action.
   * @param options Timeout, request id and declared environment options.
   */
  abstract step(action: A, options: StepOptions): MaybePromise<O>;

  /** The current state of the episode. */
  abstract get state(): S;

  /**
   * Describes the environment for `GET /metadata`. Override to add a README,
   * a version or an author.
   *
   * @returns The environment's metadata.
   */
  getMetadata(): MaybePromise<EnvironmentMetadata> {
    const name = this.constructor.name;
    return { name, description: `${name} environment`, version: "1.0.0" };
  }

  /** Releases what the environment holds. Called once when a session ends. */
  close(): MaybePromise<void> {}

  /** Calls {@linkcode Environment.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Builds an environment for a new session. A class constructor is not
 * accepted directly: pass `() => new MyEnv()`.
 */
export type EnvironmentFactory<
  A extends Action = Action,
  O extends Observation = Observation,
  S extends State = State,
> = () => MaybePromise<Environment<A, O, S>>;
