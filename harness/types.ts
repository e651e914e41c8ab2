/**
 * Types of the rollout harness: policies, episodes and the records written
 * to disk.
 *
 * @module
 */
import type { ToolInfo } from "../core/tools.ts";

export type { ToolInfo };

/** A chat message in the OpenAI format (what `results.jsonl` stores). */
export interface ChatMessage {
  /** `system`, `user`, `assistant` or `tool`. */
  role: "system" | "user" | "assistant" | "tool";
  /** Text content (may be null for assistant messages with tool calls). */
  content: string | null;
  /** Tool calls of an assistant message. */
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
  /** Which call a tool message answers. */
  tool_call_id?: string;
  /** Tool name of a tool message. */
  name?: string;
}

/** What a policy sees before each step. */
export interface PolicyContext<O = Record<string, unknown>> {
  /** The latest observation (from reset or the last step). */
  observation: O;
  /** Reward of the last step (null after reset). */
  reward: number | boolean | null;
  /** Steps taken so far in this episode. */
  step: number;
  /** Index of the episode in the run. */
  episodeIndex: number;
  /** Seed the episode was reset with, if any. */
  seed?: number;
  /** Tools of an MCP environment (empty for plain environments). */
  tools: ToolInfo[];
  /** JSON Schema of the environment's action (from `/schema`). */
  actionSchema: Record<string, unknown>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

/** A policy's decision: the action to send, or `null` to end the episode. */
export interface PolicyStep<A = Record<string, unknown>> {
  /** The action, or null to stop. */
  action: A | null;
}

/** One episode of a policy: it may keep a transcript. */
export interface EpisodePolicy<A = Record<string, unknown>, O = Record<string, unknown>> {
  /** Chooses the next action. */
  act(context: PolicyContext<O>): Promise<PolicyStep<A>>;
  /** Told what the chosen action led to. */
  observe?(
    result: { action: A; observation: O; reward: number | boolean | null; done: boolean },
  ): void;
  /** The chat transcript of the episode, if the policy keeps one. */
  messages?(): ChatMessage[];
}

/**
 * A policy: a plain function from context to action (null ends the episode),
 * or an object that starts a stateful {@linkcode EpisodePolicy} per episode
 * (for example an LLM keeping its chat history).
 */
export type Policy<A = Record<string, unknown>, O = Record<string, unknown>> =
  | ((context: PolicyContext<O>) => A | null | Promise<A | null>)
  | { startEpisode(episodeIndex: number): EpisodePolicy<A, O> };

/** One step of a recorded episode (`trajectories.jsonl`). */
export interface StepRecord {
  /** Step index, from 0. */
  step: number;
  /** The action sent. */
  action: unknown;
  /** The observation received. */
  observation: unknown;
  /** Reward of the step. */
  reward: number | boolean | null;
  /** Whether the episode ended. */
  done: boolean;
  /** Round-trip time of the step, in milliseconds. */
  ms: number;
}

/** One episode of `trajectories.jsonl` (this toolkit's schema, version 1). */
export interface TrajectoryRecord {
  /** Schema version. */
  schema: "openenv-deno/trajectory@1";
  /** Episode id, `<prefix>-<6-digit index>`. */
  episode_id: string;
  /** Episode index in the run. */
  index: number;
  /** Seed of the reset, if any. */
  seed: number | null;
  /** Server the episode ran on. */
  base_url: string;
  /** First observation. */
  reset_observation: unknown;
  /** Every step. */
  steps: StepRecord[];
  /** Sum of numeric rewards. */
  total_reward: number;
  /** Whether the environment said the episode was over. */
  done: boolean;
  /** Why the episode ended: `done`, `policy_stop` or `max_steps`. */
  end: "done" | "policy_stop" | "max_steps";
  /** Wall time of the episode, in milliseconds. */
  ms: number;
}

/** One episode of `results.jsonl`, in the layout of the reference's `openenv collect`. */
export interface EpisodeRecord {
  /** Episode id, `<prefix>-<6-digit index>`. */
  episode_id: string;
  /** Chat transcript (TRL SFT-compatible). */
  messages: ChatMessage[];
  /** Episode reward (sum of step rewards). */
  reward: number;
  /** Whether the episode finished. */
  done: boolean;
  /** Tool calls and their results. */
  tool_trace: {
    tool_name: string;
    arguments: unknown;
    result: {
      data: unknown;
      done: boolean;
      metadata: Record<string, unknown>;
      error: string | null;
    };
  }[];
  /** Turns and tool calls; `truncated` when max steps cut the episode. */
  metrics: { turns: number; tool_calls: number; truncated?: boolean };
  /** What the environment reported at the end (step count). */
  verify_metrics: Record<string, unknown>;
  /** Final state and transcript length. */
  artifacts: Record<string, unknown>;
  /** Task description (the seed). */
  task: unknown;
  /** Anything else. */
  extra: Record<string, unknown>;
}
