/**
 * Wire models of tool environments (RFC 003): the step-path actions
 * `list_tools` and `call_tool`, their observations and the tool-call result
 * object, as zod schemas. Only zod is imported, so clients can use them.
 *
 * @module
 */
import { z } from "zod";
import { ActionSchema, ObservationSchema } from "../core/models.ts";

/** Arguments of a tool call: a JSON object. */
const ArgumentsSchema: z.ZodRecord<z.ZodString, z.ZodUnknown> = z.record(z.string(), z.unknown());

/**
 * Step action that asks for the tool list: `{"type":"list_tools"}`.
 *
 * @example
 * ```ts
 * import { ListToolsAction } from "@openenv/core/mcp";
 *
 * ListToolsAction.parse({}); // { type: "list_tools", metadata: {} }
 * ```
 */
export const ListToolsAction: z.ZodObject<{
  metadata: typeof ActionSchema.shape.metadata;
  type: z.ZodDefault<z.ZodLiteral<"list_tools">>;
}, z.core.$strict> = ActionSchema.extend({
  type: z.literal("list_tools").default("list_tools").describe("Action type discriminator"),
}).describe("Request the list of tools the environment offers.");

/** A value of {@linkcode ListToolsAction}. */
export type ListToolsAction = z.infer<typeof ListToolsAction>;

/**
 * {@linkcode ListToolsAction} with `type` required: inside a union only a
 * `call_tool` may omit `type`.
 *
 * @example
 * ```ts
 * import { ListToolsActionTagged } from "@openenv/core/mcp";
 *
 * ListToolsActionTagged.safeParse({}).success; // false
 * ```
 */
export const ListToolsActionTagged: z.ZodObject<{
  metadata: typeof ActionSchema.shape.metadata;
  type: z.ZodLiteral<"list_tools">;
}, z.core.$strict> = ListToolsAction.extend({
  type: z.literal("list_tools").describe("Action type discriminator"),
});

/**
 * Step action that calls one tool:
 * `{"type":"call_tool","tool_name":…,"arguments":{…}}`. `type` defaults to
 * `"call_tool"` and `arguments` to `{}`.
 *
 * @example
 * ```ts
 * import { CallToolAction } from "@openenv/core/mcp";
 *
 * CallToolAction.parse({ tool_name: "echo_message", arguments: { message: "hi" } });
 * ```
 */
export const CallToolAction: z.ZodObject<{
  metadata: typeof ActionSchema.shape.metadata;
  type: z.ZodDefault<z.ZodLiteral<"call_tool">>;
  tool_name: z.ZodString;
  arguments: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
}, z.core.$strict> = ActionSchema.extend({
  type: z.literal("call_tool").default("call_tool").describe("Action type discriminator"),
  tool_name: z.string().describe("Name of the tool to call"),
  arguments: ArgumentsSchema.default({}).describe("Arguments of the tool call"),
}).describe("Call one tool of the environment.");

/** A value of {@linkcode CallToolAction}. */
export type CallToolAction = z.infer<typeof CallToolAction>;

/**
 * Either tool action, chosen by `type`; an action without `type` is a
 * `call_tool` (as the reference treats it). Pass it as `createApp`'s
 * `action` for an environment that only has tools.
 *
 * @example
 * ```ts
 * import { McpAction } from "@openenv/core/mcp";
 *
 * McpAction.parse({ type: "list_tools" }).type; // "list_tools"
 * McpAction.parse({ tool_name: "add", arguments: { a: 1 } }).type; // "call_tool"
 * ```
 */
export const McpAction: z.ZodDiscriminatedUnion<
  [typeof ListToolsActionTagged, typeof CallToolAction],
  "type"
> = z.discriminatedUnion("type", [ListToolsActionTagged, CallToolAction]);

/** A value of {@linkcode McpAction}. */
export type McpAction = z.infer<typeof McpAction>;

/**
 * Tells whether an action is a tool action (`list_tools` or `call_tool`).
 *
 * @example
 * ```ts
 * import { isMcpAction } from "@openenv/core/mcp";
 *
 * isMcpAction({ type: "list_tools", metadata: {} }); // true
 * isMcpAction({ message: "hi", metadata: {} }); // false
 * ```
 */
export function isMcpAction(action: unknown): action is McpAction {
  if (action === null || typeof action !== "object") return false;
  const type = (action as { type?: unknown }).type;
  return type === "list_tools" ||
    (type === "call_tool" && typeof (action as { tool_name?: unknown }).tool_name === "string");
}

/**
 * Adds the tool actions to an environment's own action schema, so one `/step`
 * accepts both (the echo environment does this).
 *
 * @param action The environment's own action schema.
 * @returns A union that tries the environment's action, then the tool actions
 * (where an object without `type` is a `call_tool`).
 *
 * @example
 * ```ts
 * import { ActionSchema } from "@openenv/core";
 * import { withMcpActions } from "@openenv/core/mcp";
 * import { z } from "zod";
 *
 * const Say = ActionSchema.extend({ text: z.string() });
 * const Both = withMcpActions(Say);
 * Both.parse({ text: "hi" });
 * Both.parse({ type: "list_tools" });
 * ```
 */
export function withMcpActions<T extends z.ZodType>(
  action: T,
): z.ZodUnion<[T, typeof McpAction]> {
  return z.union([action, McpAction]);
}

/** Kinds of tool-call failure, as `CallToolObservation.error.error_type` names them. */
export const ToolErrorType: z.ZodEnum<{
  execution_error: "execution_error";
  invalid_args: "invalid_args";
  transport_error: "transport_error";
  tool_not_found: "tool_not_found";
  timeout: "timeout";
}> = z.enum(["execution_error", "invalid_args", "transport_error", "tool_not_found", "timeout"]);

/** A value of {@linkcode ToolErrorType}. */
export type ToolErrorType = z.infer<typeof ToolErrorType>;

/** Why a tool call failed: `{error_type, message}`. */
export const ToolErrorSchema: z.ZodObject<{
  error_type: typeof ToolErrorType;
  message: z.ZodString;
}, z.core.$strict> = z.strictObject({
  error_type: ToolErrorType.describe("Kind of failure"),
  message: z.string().describe("What went wrong"),
});

/** A value of {@linkcode ToolErrorSchema}. */
export type ToolError = z.infer<typeof ToolErrorSchema>;

/** A tool as the step path lists it: `{name, description, input_schema}`. */
export const ToolSchema: z.ZodObject<{
  name: z.ZodString;
  description: z.ZodString;
  input_schema: z.ZodRecord<z.ZodString, z.ZodUnknown>;
}, z.core.$strict> = z.strictObject({
  name: z.string().describe("Tool name"),
  description: z.string().describe("What the tool does"),
  input_schema: z.record(z.string(), z.unknown()).describe("JSON Schema of the arguments"),
});

/** A value of {@linkcode ToolSchema}. */
export type Tool = z.infer<typeof ToolSchema>;

/** One content block of a tool result (MCP text content). */
export const ContentBlockSchema: z.ZodObject<{
  type: z.ZodString;
  text: z.ZodOptional<z.ZodString>;
  annotations: z.ZodDefault<z.ZodNullable<z.ZodUnknown>>;
  meta: z.ZodDefault<z.ZodNullable<z.ZodUnknown>>;
}, z.core.$loose> = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  annotations: z.unknown().nullable().default(null),
  meta: z.unknown().nullable().default(null),
});

/** A value of {@linkcode ContentBlockSchema}. */
export type ContentBlock = z.infer<typeof ContentBlockSchema>;

/**
 * The result of a successful tool call, in the snake_case shape the Python
 * reference sends (`content`, `structured_content`, `meta`, `data`,
 * `is_error`). `data` is the tool's return value.
 */
export const CallToolResultSchema: z.ZodObject<{
  content: z.ZodArray<typeof ContentBlockSchema>;
  structured_content: z.ZodNullable<z.ZodUnknown>;
  meta: z.ZodNullable<z.ZodUnknown>;
  data: z.ZodUnknown;
  is_error: z.ZodBoolean;
}, z.core.$loose> = z.looseObject({
  content: z.array(ContentBlockSchema),
  structured_content: z.unknown().nullable(),
  meta: z.unknown().nullable(),
  data: z.unknown(),
  is_error: z.boolean(),
});

/** A value of {@linkcode CallToolResultSchema}. */
export interface CallToolResult {
  /** Content blocks (a text block with the result). */
  content: ContentBlock[];
  /** The result as an object (`{"result": value}` for non-object values). */
  structured_content: unknown;
  /** Opaque metadata, or null. */
  meta: unknown;
  /** The tool's return value. */
  data: unknown;
  /** Always false for a result (failures are errors). */
  is_error: boolean;
}

/** Observation of a `list_tools` step: the tools. */
export const ListToolsObservation: z.ZodObject<
  typeof ObservationSchema.shape & { tools: z.ZodDefault<z.ZodArray<typeof ToolSchema>> },
  z.core.$strict
> = ObservationSchema.extend({
  tools: z.array(ToolSchema).default([]).describe("Tools the environment offers"),
}).describe("The tools of the environment.");

/** A value of {@linkcode ListToolsObservation}. */
export type ListToolsObservation = z.infer<typeof ListToolsObservation>;

/** Observation of a `call_tool` step: the result, or why it failed. */
export const CallToolObservation: z.ZodObject<
  typeof ObservationSchema.shape & {
    tool_name: z.ZodString;
    result: z.ZodDefault<z.ZodNullable<z.ZodUnknown>>;
    error: z.ZodDefault<z.ZodNullable<typeof ToolErrorSchema>>;
  },
  z.core.$strict
> = ObservationSchema.extend({
  tool_name: z.string().describe("Name of the tool that was called"),
  result: z.unknown().nullable().default(null).describe("The tool's result"),
  error: ToolErrorSchema.nullable().default(null).describe("Why the call failed, or null"),
}).describe("The result of one tool call.");

/** A value of {@linkcode CallToolObservation}. */
export type CallToolObservation = z.infer<typeof CallToolObservation>;

/** Either tool observation. */
export type McpObservation = ListToolsObservation | CallToolObservation;

/**
 * Observation schema of a tools-only environment, for `createApp`'s
 * `observation` option (`/schema`).
 */
export const McpObservation: z.ZodUnion<
  [typeof ListToolsObservation, typeof CallToolObservation]
> = z.union([ListToolsObservation, CallToolObservation]);
