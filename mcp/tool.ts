/**
 * Tool definitions: a name, a description, a zod input schema and a handler
 * (sync or async), optionally bound to one server mode.
 *
 * @module
 */
import { z } from "zod";
import type { ServerMode } from "../server/create_app.ts";
import { RESERVED_TOOL_NAMES } from "../core/tools.ts";
import type { CallToolResult } from "./types.ts";

/** What a tool handler receives besides its arguments. */
export interface ToolContext {
  /** Aborted when the call times out, the caller gives up or the session ends. */
  signal: AbortSignal;
  /** The server mode the environment runs in. */
  mode: ServerMode;
}

/**
 * A tool an environment offers to agents.
 *
 * @typeParam I The zod object schema of the arguments.
 * @typeParam R What the handler returns (any JSON value).
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, R = unknown> {
  /** Unique name: letters, digits, `_`, `-` and `.`; not `reset`, `step`, `state` or `close`. */
  name: string;
  /** What the tool does, written for the agent. */
  description: string;
  /** Schema of the arguments; its JSON Schema is what agents see. */
  input: I;
  /**
   * Mode the tool exists in: `"production"`, `"simulation"`, or `null` for
   * both (mode-aware tools, as the reference's `@env.tool(mode=…)`).
   * @default {null}
   */
  mode?: ServerMode | null;
  /** Runs the tool with validated arguments; may be async. */
  handler: (args: z.output<I>, context: ToolContext) => R | Promise<R>;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Checks a tool definition and returns it, typed: the handler's arguments are
 * inferred from `input`.
 *
 * @param definition Name, description, input schema, mode and handler.
 * @returns The same definition.
 * @throws {TypeError} When the name is reserved or malformed, the input is not
 * a zod object schema, or the mode is invalid.
 *
 * @example
 * ```ts
 * import { defineTool } from "@openenv/core/mcp";
 * import { z } from "zod";
 *
 * const add = defineTool({
 *   name: "add",
 *   description: "Add two numbers.",
 *   input: z.object({ a: z.number(), b: z.number() }),
 *   handler: ({ a, b }) => a + b,
 * });
 * ```
 */
export function defineTool<I extends z.ZodObject, R>(
  definition: ToolDefinition<I, R>,
): ToolDefinition<I, R> {
  const { name, input, mode = null } = definition;
  if (typeof name !== "string" || !TOOL_NAME.test(name)) {
    throw new TypeError(
      `Tool name ${JSON.stringify(name)} is invalid: use 1 to 128 letters, digits, '_', '-' or '.'`,
    );
  }
  if (RESERVED_TOOL_NAMES.has(name)) {
    throw new TypeError(
      `Tool name '${name}' is reserved and cannot be used. Reserved names are: ${
        JSON.stringify([...RESERVED_TOOL_NAMES].sort())
      }`,
    );
  }
  if (!(input instanceof z.ZodObject)) {
    throw new TypeError(`Tool '${name}' needs a zod object schema as 'input', e.g. z.object({})`);
  }
  if (mode !== null && mode !== "production" && mode !== "simulation") {
    throw new TypeError(
      `Invalid mode '${mode}' for tool '${name}'. Mode must be 'production', 'simulation', or null.`,
    );
  }
  if (typeof definition.handler !== "function") {
    throw new TypeError(`Tool '${name}' needs a handler function`);
  }
  return definition;
}

/**
 * The JSON Schema of a tool's arguments, as agents see it (no `$schema` key).
 *
 * @example
 * ```ts
 * import { defineTool, toolInputSchema } from "@openenv/core/mcp";
 * import { z } from "zod";
 *
 * const t = defineTool({
 *   name: "t",
 *   description: "d",
 *   input: z.object({ n: z.number() }),
 *   handler: () => 1,
 * });
 * toolInputSchema(t).type; // "object"
 * ```
 */
export function toolInputSchema(definition: ToolDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(definition.input, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/**
 * Wraps a tool's return value in the result object OpenEnv clients read:
 * a text block, `structured_content` (the value if it is an object, else
 * `{"result": value}`), `data` (the value) and `is_error: false`.
 *
 * @example
 * ```ts
 * import { toCallToolResult } from "@openenv/core/mcp";
 *
 * toCallToolResult(8).data; // 8
 * toCallToolResult("hi").content[0].text; // "hi"
 * ```
 */
export function toCallToolResult(value: unknown): CallToolResult {
  const data = value === undefined ? null : value;
  const isObject = data !== null && typeof data === "object" && !Array.isArray(data);
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return {
    content: data === null ? [] : [{ type: "text", text, annotations: null, meta: null }],
    structured_content: isObject ? data : { result: data },
    meta: null,
    data,
    is_error: false,
  };
}
