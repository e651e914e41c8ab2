/**
 * The echo environment: it sends back each message with its length and a
 * reward of 0.1 per character, and offers the tools `echo_message` and
 * `echo_with_length`. The smallest useful environment, for testing clients,
 * servers and deployments end to end.
 *
 * @module
 */
import type { EnvironmentMetadata, MaybePromise, ResetOptions, StepOptions } from "@openenv/core";
import {
  defineTool,
  type McpAction,
  MCPEnvironment,
  type McpObservation,
  type ToolDefinition,
} from "@openenv/core/mcp";
import { z } from "zod";
import type { EchoAction, EchoObservation, EchoState } from "./models.ts";

/** Reward per character of the echoed message. */
export const REWARD_PER_CHARACTER = 0.1;

/** Arguments of both echo tools: `{message}`. */
export const MessageInput: z.ZodObject<{ message: z.ZodString }, z.core.$strict> = z.strictObject({
  message: z.string().describe("The message to echo back"),
});

/** Tool `echo_message`: returns the message unchanged. */
export const echoMessageTool: ToolDefinition<typeof MessageInput, string> = defineTool({
  name: "echo_message",
  description: "Echo back the provided message.",
  input: MessageInput,
  handler: ({ message }): string => message,
});

/** Tool `echo_with_length`: returns `{message, length}`. */
export const echoWithLengthTool: ToolDefinition<
  typeof MessageInput,
  { message: string; length: number }
> = defineTool({
  name: "echo_with_length",
  description: "Echo back the message with its length.",
  input: MessageInput,
  handler: ({ message }): { message: string; length: number } => ({
    message,
    length: message.length,
  }),
});

/**
 * Echoes messages back, as a classic action (`{"message": …}`) or through
 * its tools. Every step, tool steps included, counts in `step_count`.
 *
 * @example
 * ```ts
 * import { EchoEnvironment } from "@openenv/echo";
 *
 * const env = new EchoEnvironment();
 * env.reset({});
 * const obs = await env.step({ message: "hello", metadata: {} });
 * const tool = await env.step({
 *   type: "call_tool",
 *   tool_name: "echo_with_length",
 *   arguments: { message: "hello" },
 *   metadata: {},
 * });
 * ```
 */
export class EchoEnvironment extends MCPEnvironment<EchoAction, EchoObservation, EchoState> {
  #state: EchoState = { episode_id: crypto.randomUUID(), step_count: 0 };

  /** Creates the environment with its two tools. */
  constructor() {
    super({ tools: [echoMessageTool, echoWithLengthTool] });
  }

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

  /** Counts the step, then echoes the message or runs the tool action. */
  override step(
    action: EchoAction | McpAction,
    options: StepOptions = {},
  ): MaybePromise<EchoObservation | McpObservation> {
    this.#state.step_count++;
    return super.step(action, options);
  }

  /** Echoes the action's message. */
  protected override stepAction(action: EchoAction): EchoObservation {
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
