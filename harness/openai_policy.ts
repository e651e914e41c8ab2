/**
 * A policy backed by any OpenAI-compatible chat completions endpoint (vLLM,
 * SGLang, llama.cpp server, TGI, OpenAI, ...), using tool calling: MCP
 * environments offer their own tools; other environments offer one `act`
 * tool whose parameters are the action's JSON Schema.
 *
 * @module
 */
import { type ChatReplyMessage, OpenAIChatClient } from "../rubrics/openai_client.ts";
import type { ChatMessage, EpisodePolicy, Policy, PolicyContext, PolicyStep } from "./types.ts";

/** Options for {@linkcode openAIChatPolicy}. */
export interface OpenAIChatPolicyOptions {
  /** Base URL of the API, for example `http://127.0.0.1:8001/v1`. */
  baseUrl: string;
  /** Model name. */
  model: string;
  /** API key, sent as a bearer token. @default {none} */
  apiKey?: string;
  /** System prompt. */
  system?: string;
  /** Sampling temperature. @default {0} */
  temperature?: number;
  /** Most tokens per reply. */
  maxTokens?: number;
  /** Turns an observation into the user/tool message text. @default {JSON} */
  describe?: (observation: unknown) => string;
  /** Time limit per request, in seconds. @default {120} */
  timeoutS?: number;
  /** Extra headers (for example for a gateway). */
  headers?: Record<string, string>;
}

interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The reply of the endpoint could not be used. */
export class PolicyError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PolicyError";
  }
}

/**
 * Builds a chat policy. Each episode keeps its own transcript; the episode
 * ends when the model answers without a tool call.
 *
 * @example
 * ```ts ignore
 * import { collect, openAIChatPolicy } from "@openenv/core/harness";
 *
 * const policy = openAIChatPolicy({ baseUrl: "http://127.0.0.1:8001/v1", model: "qwen" });
 * await collect({ baseUrls: ["http://127.0.0.1:8000"], episodes: 8, policy, outDir: "runs/a" });
 * ```
 */
export function openAIChatPolicy(options: OpenAIChatPolicyOptions): Policy {
  const client = new OpenAIChatClient({
    baseUrl: options.baseUrl,
    model: options.model,
    apiKey: options.apiKey,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    timeoutMs: (options.timeoutS ?? 120) * 1000,
    headers: options.headers,
  });
  const describe = options.describe ?? ((o: unknown) => JSON.stringify(o));
  return {
    startEpisode(): EpisodePolicy {
      const messages: ChatMessage[] = [];
      let pending: ToolCall | undefined;
      return {
        async act(ctx: PolicyContext): Promise<PolicyStep> {
          if (messages.length === 0) {
            if (options.system) messages.push({ role: "system", content: options.system });
            messages.push({ role: "user", content: describe(ctx.observation) });
          }
          const tools = ctx.tools.length
            ? ctx.tools.map((t) => ({
              type: "function",
              function: { name: t.name, description: t.description, parameters: t.inputSchema },
            }))
            : [{
              type: "function",
              function: {
                name: "act",
                description: "Take one action in the environment.",
                parameters: ctx.actionSchema,
              },
            }];
          let message: ChatReplyMessage;
          try {
            message = await client.chat(messages, {
              signal: ctx.signal,
              body: { tools, tool_choice: "auto" },
            });
          } catch (cause) {
            if (ctx.signal.aborted) throw cause;
            throw new PolicyError((cause as Error).message, { cause });
          }
          const call: ToolCall | undefined = message.tool_calls?.[0];
          messages.push({
            role: "assistant",
            content: message.content ?? null,
            ...(call ? { tool_calls: [call] } : {}),
          });
          if (!call) return { action: null };
          let args: Record<string, unknown>;
          try {
            args = call.function.arguments ? JSON.parse(call.function.arguments) : {};
          } catch (cause) {
            throw new PolicyError(
              `The model's tool call ${call.function.name} has arguments that are not JSON: ${call.function.arguments}`,
              { cause },
            );
          }
          pending = call;
          if (ctx.tools.length) {
            return {
              action: { type: "call_tool", tool_name: call.function.name, arguments: args },
            };
          }
          return { action: args };
        },
        observe(result): void {
          if (!pending) return;
          messages.push({
            role: "tool",
            tool_call_id: pending.id,
            name: pending.function.name,
            content: describe({
              observation: result.observation,
              reward: result.reward,
              done: result.done,
            }),
          });
          pending = undefined;
        },
        messages: () => [...messages],
      };
    },
  };
}
