/**
 * The tool-host contract: an environment that exposes tools to agents
 * (MCP-style) implements it, and the server then answers `tools/list` and
 * `tools/call` on `/mcp`.
 *
 * @module
 */
import type { MaybePromise } from "./environment.ts";

/** Names that can never be tools: they are the environment's own verbs. */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  "reset",
  "step",
  "state",
  "close",
]);

/** A tool as `tools/list` describes it. */
export interface ToolInfo {
  /** Tool name, unique within the environment. */
  name: string;
  /** What the tool does, for the agent. */
  description: string;
  /** JSON Schema of the tool's arguments. */
  inputSchema: Record<string, unknown>;
}

/** Options for {@linkcode ToolHost.callTool}. */
export interface CallToolOptions {
  /** Aborted when the caller gives up or the session ends. */
  signal?: AbortSignal;
}

/**
 * Implemented by environments that expose tools. `callTool` returns the
 * result object sent as the JSON-RPC `result` (for OpenEnv clients, an object
 * with `content`, `structured_content`, `data` and `is_error`).
 */
export interface ToolHost {
  /** Lists the tools the environment offers. */
  listTools(): MaybePromise<ToolInfo[]>;
  /** Calls a tool; throws when the tool is unknown or fails. */
  callTool(
    name: string,
    args: Record<string, unknown>,
    options?: CallToolOptions,
  ): MaybePromise<unknown>;
}

/**
 * Tells whether a value implements {@linkcode ToolHost}.
 *
 * @example
 * ```ts
 * import { isToolHost } from "@openenv/core";
 *
 * isToolHost({ listTools: () => [], callTool: () => null }); // true
 * isToolHost({}); // false
 * ```
 */
export function isToolHost(value: unknown): value is ToolHost {
  return value !== null && typeof value === "object" &&
    typeof (value as ToolHost).listTools === "function" &&
    typeof (value as ToolHost).callTool === "function";
}
