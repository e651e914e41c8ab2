/**
 * The echo environment: it sends back each message with its length and a
 * reward of 0.1 per character. The smallest useful environment, for testing
 * clients, servers and deployments end to end.
 *
 * @module
 */
import { Environment, type ResetOptions } from "@openenv/core";
import type { EnvironmentMetadata } from "@openenv/core";
import type { EchoAction, EchoObservation, EchoState } from "./models.ts";

/** Reward per character of the echoed message. */
export const REWARD_PER_CHARACTER = 0.1;

/**
 * Echoes messages back.
 *
 * @example
 * ```ts
 * import { EchoEnvironment } from "@openenv/echo";
 *
 * const env = new EchoEnvironment();
 * env.reset({});
 * const obs = env.step({ message: "hello", metadata: {} });
 * console.log(obs.echoed_message, obs.reward); // "hello" 0.5
 * ```
 */
export class EchoEnvironment extends Environment<EchoAction, EchoObservation, EchoState> {
  #state: EchoState = { episode_id: crypto.randomUUID(), step_count: 0 };

  /** Starts a new episode; `episodeId` is used when given. */
  reset(options: ResetOptions = {}): EchoObservation {
    this.#state = { episode_id: options.episodeId ?? crypto.randomUUID(), step_count: 0 };
    return {
      echoed_message: "Echo environment ready!",
      message_length: 0,
      done: false,
      reward: 0.0,
      metadata: {},
    };
  }

  /** Echoes the action's message. */
  step(action: EchoAction): EchoObservation {
    this.#state.step_count++;
    const message = action.message;
    return {
      echoed_message: message,
      message_length: message.length,
      done: false,
      reward: message.length * REWARD_PER_CHARACTER,
      metadata: { original_message: message, step: this.#state.step_count },
    };
  }

  /** Episode id and step count. */
  get state(): EchoState {
    return { ...this.#state };
  }

  /** Name, description and version of the echo environment. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "echo_env",
      description: "Echoes each message back with its length; reward 0.1 per character.",
      version: "0.1.0",
    };
  }
}
