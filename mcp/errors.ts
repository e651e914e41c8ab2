/**
 * Tool-call failures and their classification into the reference's
 * `ToolErrorType` values.
 *
 * @module
 */
import type { ToolErrorType } from "./types.ts";

/**
 * A failed tool call, with the kind of failure the step path reports in
 * `CallToolObservation.error.error_type`.
 *
 * @example
 * ```ts
 * import { ToolCallError } from "@openenv/core/mcp";
 *
 * const e = new ToolCallError("tool_not_found", "Unknown tool: 'nope'");
 * e.errorType; // "tool_not_found"
 * ```
 */
export class ToolCallError extends Error {
  /** Kind of failure. */
  readonly errorType: ToolErrorType;

  /**
   * Creates the error.
   *
   * @param errorType Kind of failure.
   * @param message What went wrong.
   * @param options The underlying error, if any.
   */
  constructor(errorType: ToolErrorType, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ToolCallError";
    this.errorType = errorType;
  }
}

/**
 * Classifies an error thrown by a tool the way the reference does: a
 * {@linkcode ToolCallError} keeps its type; otherwise a message mentioning
 * "not found" or "unknown tool" is `tool_not_found`, one mentioning
 * "invalid" or "argument" is `invalid_args`, anything else
 * `execution_error`.
 *
 * @example
 * ```ts
 * import { classifyToolError } from "@openenv/core/mcp";
 *
 * classifyToolError(new Error("Invalid move")); // "invalid_args"
 * classifyToolError(new Error("disk full")); // "execution_error"
 * ```
 */
export function classifyToolError(error: unknown): ToolErrorType {
  if (error instanceof ToolCallError) return error.errorType;
  const text = (error instanceof Error ? error.message : String(error)).toLowerCase();
  if (text.includes("not found") || text.includes("unknown tool")) return "tool_not_found";
  if (text.includes("invalid") || text.includes("argument")) return "invalid_args";
  return "execution_error";
}
