/**
 * `MCPEnvironment`: an environment whose actions are tool calls (RFC 003).
 *
 * @module
 */
import type { z } from "zod";
import { Environment, type MaybePromise, type StepOptions } from "../core/environment.ts";
import type { Action, Observation, State } from "../core/models.ts";
import type { CallToolOptions, ToolHost, ToolInfo } from "../core/tools.ts";
import type { ServerMode } from "../server/create_app.ts";
import { classifyToolError, ToolCallError } from "./errors.ts";
import { defineTool, toCallToolResult, type ToolDefinition, toolInputSchema } from "./tool.ts";
import {
  type CallToolAction,
  type CallToolObservation,
  type CallToolResult,
  isMcpAction,
  type ListToolsObservation,
  type McpAction,
  type McpObservation,
  type Tool,
} from "./types.ts";

/** Default time limit of one tool call, in seconds (the reference's `MCP_TOOL_CALL_TIMEOUT`). */
export const DEFAULT_TOOL_TIMEOUT_S = 30;

/** Options for {@linkcode MCPEnvironment}. */
export interface MCPEnvironmentOptions {
  /** Tools to register (more can be added with `addTool`). */
  // deno-lint-ignore no-explicit-any
  tools?: ToolDefinition<any, any>[];
  /**
   * Server mode before a server sets it; selects mode-aware tools. The server
   * built by `createApp` sets its own mode on every environment it creates.
   * @default {"simulation"}
   */
  mode?: ServerMode;
  /** Time limit of one tool call, in seconds. @default {30} */
  toolTimeoutS?: number;
}

/** Options for {@linkcode MCPEnvironment.callTool}. */
export interface McpCallToolOptions extends CallToolOptions {
  /** Time limit of this call in seconds. @default {the environment's `toolTimeoutS`} */
  timeoutS?: number;
}

/** Python's `str(float)` for whole numbers, so messages read like the reference's. */
function seconds(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * Base class of tool environments. Tools are declared with
 * {@linkcode defineTool} (name, description, zod input schema, handler) and
 * reached three ways:
 *
 * - `step({type: "list_tools"})` and `step({type: "call_tool", tool_name, arguments})`
 *   (the `/ws` step path, with rewards and episode state);
 * - `tools/list` and `tools/call` on the JSON-RPC `/mcp` endpoint (through
 *   {@linkcode ToolHost}, bypassing `step`);
 * - the Streamable HTTP MCP endpoint of `withMcpEndpoint`, for standard MCP clients.
 *
 * Other actions go to {@linkcode MCPEnvironment.stepAction}. Tool names
 * `reset`, `step`, `state` and `close` are refused.
 *
 * @typeParam A The environment's own (non-tool) actions, if any.
 * @typeParam O The observations of its own actions.
 * @typeParam S Its state.
 *
 * @example A calculator with one tool
 * ```ts
 * import type { Observation, State } from "@openenv/core";
 * import { defineTool, MCPEnvironment } from "@openenv/core/mcp";
 * import { z } from "zod";
 *
 * class Calculator extends MCPEnvironment {
 *   #state: State = { episode_id: null, step_count: 0 };
 *   constructor() {
 *     super({
 *       tools: [defineTool({
 *         name: "add",
 *         description: "Add two numbers.",
 *         input: z.object({ a: z.number(), b: z.number() }),
 *         handler: ({ a, b }) => a + b,
 *       })],
 *     });
 *   }
 *   reset(): Observation {
 *     this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
 *     return { done: false, reward: null, metadata: {} };
 *   }
 *   get state(): State {
 *     return this.#state;
 *   }
 * }
 *
 * const env = new Calculator();
 * const obs = await env.step({ type: "call_tool", tool_name: "add", arguments: { a: 5, b: 3 }, metadata: {} });
 * ```
 */
export abstract class MCPEnvironment<
  A extends Action = never,
  O extends Observation = Observation,
  S extends State = State,
> extends Environment<A | McpAction, O | McpObservation, S> implements ToolHost {
  // name -> (mode or null) -> definition
  readonly #tools = new Map<string, Map<ServerMode | null, ToolDefinition>>();
  #mode: ServerMode;
  #timeoutS: number;
  #closed = false;

  /**
   * Registers the given tools.
   *
   * @param options Tools, initial mode and tool-call time limit.
   * @throws {TypeError} When a tool name is reserved, malformed or registered twice.
   */
  constructor(options: MCPEnvironmentOptions = {}) {
    super();
    this.#mode = checkMode(options.mode ?? "simulation");
    const timeout = options.toolTimeoutS ?? DEFAULT_TOOL_TIMEOUT_S;
    if (!(timeout > 0)) {
      throw new RangeError(`toolTimeoutS must be a positive number of seconds, got ${timeout}`);
    }
    this.#timeoutS = timeout;
    for (const tool of options.tools ?? []) this.addTool(tool);
  }

  /** The server mode that selects mode-aware tools. */
  get mode(): ServerMode {
    return this.#mode;
  }

  /**
   * Sets the server mode. The server calls this on every environment it
   * creates, so mode-aware tools follow the server's mode.
   *
   * @param mode `"simulation"` or `"production"`.
   * @throws {RangeError} For any other value.
   */
  setServerMode(mode: ServerMode): void {
    this.#mode = checkMode(mode);
  }

  /**
   * Registers a tool (the reference's `@env.tool(mode=…)`). The same name
   * may be registered once per mode; a tool without a mode exists in both
   * and cannot share its name with a mode-specific one.
   *
   * @param tool The tool.
   * @returns This environment, for chaining.
   * @throws {TypeError} When the name is reserved, malformed or taken.
   */
  addTool<I extends z.ZodObject, R>(tool: ToolDefinition<I, R>): this {
    defineTool(tool);
    const mode = tool.mode ?? null;
    const byMode = this.#tools.get(tool.name) ?? new Map<ServerMode | null, ToolDefinition>();
    if (byMode.has(mode) || (mode === null && byMode.size > 0) || byMode.has(null)) {
      throw new TypeError(
        `Tool '${tool.name}' is already registered${
          mode === null ? "" : ` for ${mode} mode`
        }: give it another name or register one implementation per mode`,
      );
    }
    byMode.set(mode, tool as unknown as ToolDefinition);
    this.#tools.set(tool.name, byMode);
    return this;
  }

  /** The tools available in the current mode, in registration order. */
  activeTools(): ToolDefinition[] {
    const out: ToolDefinition[] = [];
    for (const byMode of this.#tools.values()) {
      const tool = byMode.get(null) ?? byMode.get(this.#mode);
      if (tool) out.push(tool);
    }
    return out;
  }

  /** Lists the tools of the current mode as `tools/list` describes them. */
  listTools(): ToolInfo[] {
    return this.activeTools().map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: toolInputSchema(t),
    }));
  }

  /**
   * Calls a tool with validated arguments, within the time limit.
   *
   * @param name Tool name.
   * @param args Arguments (validated against the tool's input schema).
   * @param options Abort signal and time limit.
   * @returns The result object (`content`, `structured_content`, `data`, …).
   * @throws {ToolCallError} `tool_not_found`, `invalid_args`, `timeout` or
   * `execution_error`.
   */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: McpCallToolOptions = {},
  ): Promise<CallToolResult> {
    if (this.#closed) {
      throw new ToolCallError("execution_error", "The environment is closed: tools cannot run");
    }
    const byMode = this.#tools.get(name);
    if (!byMode) throw new ToolCallError("tool_not_found", `Unknown tool: '${name}'`);
    const tool = byMode.get(null) ?? byMode.get(this.#mode);
    if (!tool) {
      throw new ToolCallError(
        "tool_not_found",
        `Tool '${name}' not available in ${this.#mode} mode`,
      );
    }
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) {
      const details = parsed.error.issues
        .map((i) => `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`)
        .join("; ");
      throw new ToolCallError(
        "invalid_args",
        `Invalid arguments for tool '${name}': ${details}`,
      );
    }
    const timeoutS = options.timeoutS ?? this.#timeoutS;
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener("abort", onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ToolCallError(
          "timeout",
          `Tool '${name}' timed out after ${seconds(timeoutS)} seconds`,
        );
        controller.abort(error);
        reject(error);
      }, timeoutS * 1000);
    });
    try {
      const value = await Promise.race([
        Promise.resolve().then(() =>
          tool.handler(parsed.data, { signal: controller.signal, mode: this.#mode })
        ),
        timeout,
      ]);
      return toCallToolResult(value);
    } catch (error) {
      if (error instanceof ToolCallError) throw error;
      throw new ToolCallError(
        classifyToolError(error),
        error instanceof Error ? error.message : String(error),
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * The tools of the current mode as plain async functions (the reference's
   * code mode `get_callables()`): each validates its arguments, honours the
   * time limit and resolves to the tool's value (`data`).
   *
   * @example
   * ```ts ignore
   * const { add } = env.getCallables();
   * await add({ a: 5, b: 3 }); // 8
   * ```
   */
  getCallables(): Record<string, (args?: Record<string, unknown>) => Promise<unknown>> {
    const out: Record<string, (args?: Record<string, unknown>) => Promise<unknown>> = {};
    for (const tool of this.activeTools()) {
      out[tool.name] = async (args = {}) => (await this.callTool(tool.name, args)).data;
    }
    return out;
  }

  /**
   * Routes tool actions to the tools and every other action to
   * {@linkcode MCPEnvironment.stepAction}. A failed tool call is an
   * observation with `error` set, never an exception.
   *
   * @param action A tool action or one of the environment's own actions.
   * @param options Step options; `timeoutS` bounds a tool call.
   */
  step(action: A | McpAction, options: StepOptions = {}): MaybePromise<O | McpObservation> {
    if (isMcpAction(action)) {
      if (action.type === "list_tools") return this.listToolsObservation();
      return this.callToolObservation(action, options);
    }
    return this.stepAction(action as A, options);
  }

  /**
   * Handles the environment's own (non-tool) actions. The default refuses
   * them; override it in environments that have their own actions.
   *
   * @param action The action.
   * @param _options Step options.
   * @throws {TypeError} Always, unless overridden.
   */
  protected stepAction(action: A, _options: StepOptions): MaybePromise<O> {
    throw new TypeError(
      `${this.constructor.name} only takes tool actions ('list_tools', 'call_tool'), got ${
        JSON.stringify(action)
      }`,
    );
  }

  /**
   * The observation of a `list_tools` step. If listing fails (for example a
   * schema that cannot be turned into JSON Schema), the tool list is empty
   * and `metadata` says why, as in the reference.
   */
  protected listToolsObservation(): ListToolsObservation {
    try {
      const tools: Tool[] = this.listTools().map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: t.inputSchema,
      }));
      return { tools, done: false, reward: null, metadata: {} };
    } catch (error) {
      return {
        tools: [],
        done: false,
        reward: null,
        metadata: {
          error: error instanceof Error ? error.message : String(error),
          error_type: "list_tools_failed",
        },
      };
    }
  }

  /** The observation of a `call_tool` step: the result, or the classified error. */
  protected async callToolObservation(
    action: CallToolAction,
    options: StepOptions = {},
  ): Promise<CallToolObservation> {
    try {
      const result = await this.callTool(action.tool_name, action.arguments ?? {}, {
        signal: options.signal,
        timeoutS: options.timeoutS,
      });
      return {
        tool_name: action.tool_name,
        result,
        error: null,
        done: false,
        reward: null,
        metadata: {},
      };
    } catch (error) {
      return {
        tool_name: action.tool_name,
        result: null,
        error: {
          error_type: classifyToolError(error),
          message: error instanceof Error ? error.message : String(error),
        },
        done: false,
        reward: null,
        metadata: {},
      };
    }
  }

  /** Refuses further tool calls. Subclasses that override it call `super.close()`. */
  override close(): MaybePromise<void> {
    this.#closed = true;
  }
}

function checkMode(mode: unknown): ServerMode {
  if (mode !== "simulation" && mode !== "production") {
    throw new RangeError(
      `Invalid mode: '${mode}'. Must be one of: ['simulation', 'production']`,
    );
  }
  return mode;
}
