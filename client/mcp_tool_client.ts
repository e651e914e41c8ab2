/**
 * {@linkcode MCPToolClient}: discover and call the tools of an OpenEnv tool
 * environment, over `/ws` step messages (the default, with rewards and
 * episode state) or over the JSON-RPC `POST /mcp` endpoint with an HTTP MCP
 * session (the production path, like the reference's
 * `use_production_mode = True`).
 *
 * @module
 */
import { OpenEnvError } from "../core/errors.ts";
import { toHttpBase } from "./_url.ts";
import { EnvClient, type EnvClientOptions } from "./env_client.ts";
import { HttpError, ProtocolError, ServerError } from "./errors.ts";
import type { CallOptions, StepResult } from "./types.ts";

/** Kinds of tool-call failure, as the server reports them (`error.error_type`). */
export type ToolFailureType =
  | "execution_error"
  | "invalid_args"
  | "transport_error"
  | "tool_not_found"
  | "timeout";

/**
 * A tool call failed. `errorType` says how (over `/ws` the server reports
 * it; over HTTP it is derived from the message with the reference's rules).
 *
 * @example
 * ```ts
 * import { ToolFailedError } from "@openenv/core/client";
 *
 * const e = new ToolFailedError("nope", "tool_not_found", "Unknown tool: 'nope'");
 * console.log(e.message); // "Tool 'nope' failed: Unknown tool: 'nope' (type: tool_not_found)"
 * ```
 */
export class ToolFailedError extends OpenEnvError {
  /** The tool that was called. */
  readonly toolName: string;
  /** How it failed. */
  readonly errorType: ToolFailureType;

  /**
   * Creates the error.
   *
   * @param toolName The tool that was called.
   * @param errorType How it failed.
   * @param reason The server's message.
   */
  constructor(toolName: string, errorType: ToolFailureType, reason: string) {
    super("TOOL_ERROR", `Tool '${toolName}' failed: ${reason} (type: ${errorType})`, {
      details: { tool_name: toolName, error_type: errorType },
    });
    this.name = "ToolFailedError";
    this.toolName = toolName;
    this.errorType = errorType;
  }
}

/** The reference's message-based classification, for JSON-RPC errors. */
function classify(message: string): ToolFailureType {
  const text = message.toLowerCase();
  if (text.includes("not found") || text.includes("unknown tool")) return "tool_not_found";
  if (text.includes("invalid") || text.includes("argument")) return "invalid_args";
  return "execution_error";
}

/** A tool as the client lists it. */
export interface ToolDescription {
  /** Tool name. */
  name: string;
  /** What the tool does. */
  description: string;
  /** JSON Schema of its arguments. */
  input_schema: Record<string, unknown>;
}

/** Options of {@linkcode MCPToolClient}. */
export interface MCPToolClientOptions extends
  Omit<
    EnvClientOptions<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>,
    "schemas"
  > {
  /**
   * `"ws"`: tool actions as `/ws` steps (rewards, `step_count`, rubrics
   * apply). `"http"`: JSON-RPC on `POST /mcp` inside an HTTP MCP session,
   * bypassing `step()`. @default {"ws"}
   */
  transport?: "ws" | "http";
  /** The fetch implementation for the HTTP transport. @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/** Options of {@linkcode MCPToolClient.listTools}. */
export interface ListToolsOptions extends CallOptions {
  /** Return the cached list when there is one. @default {true} */
  useCache?: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function toTools(raw: unknown): ToolDescription[] {
  if (!Array.isArray(raw)) throw new ProtocolError("Expected a 'tools' list", { reply: raw });
  return raw.map((t) => {
    const tool = isObject(t) ? t : {};
    const schema = tool.input_schema ?? tool.inputSchema;
    return {
      name: String(tool.name ?? ""),
      description: String(tool.description ?? ""),
      input_schema: isObject(schema) ? schema : {},
    };
  });
}

function dataOf(result: unknown): unknown {
  return isObject(result) && "data" in result ? result.data : result;
}

/**
 * A client for tool environments: `listTools`, `callTool` (returning the
 * tool's value, `result.data`, as the reference's `call_tool` does),
 * `getTool`, `hasTool`, plus everything {@linkcode EnvClient} offers
 * (`reset`, `step`, `state`). Works with our servers and the Python
 * reference's.
 *
 * A failed call throws {@linkcode ToolFailedError}, whose message reads like
 * the reference's (`Tool 'x' failed: … (type: tool_not_found)`) and whose
 * `errorType` is the failure kind.
 *
 * @example
 * ```ts ignore
 * import { MCPToolClient } from "@openenv/core/client";
 *
 * await using env = new MCPToolClient("http://127.0.0.1:8000");
 * await env.reset();
 * const tools = await env.listTools();
 * const echoed = await env.callTool<string>("echo_message", { message: "hi" });
 * const sized = await env.callTool<{ message: string; length: number }>("echo_with_length", {
 *   message: "hi",
 * });
 * ```
 */
export class MCPToolClient extends EnvClient {
  /** The transport used for tool calls. */
  readonly transport: "ws" | "http";
  #tools: ToolDescription[] | null = null;
  #fetch: typeof fetch;
  #mcpUrl: string;
  #sessionId: Promise<string> | null = null;
  #nextId = 0;
  #httpTimeoutS: number;

  /**
   * Creates a client; nothing is opened until the first call.
   *
   * @param baseUrl The server, for example `http://127.0.0.1:8000`.
   * @param options Transport, time limits, headers and the EnvClient options.
   */
  constructor(baseUrl: string, options: MCPToolClientOptions = {}) {
    super(baseUrl, options);
    const transport = options.transport ?? "ws";
    if (transport !== "ws" && transport !== "http") {
      throw new TypeError(`transport must be "ws" or "http", got ${JSON.stringify(transport)}`);
    }
    this.transport = transport;
    this.#fetch = options.fetch ?? fetch;
    this.#mcpUrl = `${toHttpBase(baseUrl)}/mcp`;
    this.#httpTimeoutS = options.messageTimeoutS ?? 60;
  }

  /** The HTTP MCP session id, once the HTTP transport created one. */
  get mcpSessionId(): Promise<string | null> {
    return this.#sessionId ?? Promise.resolve(null);
  }

  /**
   * Lists the environment's tools (cached after the first call).
   *
   * @param options `useCache`, a signal and a time limit.
   * @returns Name, description and input JSON Schema of each tool.
   */
  async listTools(options: ListToolsOptions = {}): Promise<ToolDescription[]> {
    if ((options.useCache ?? true) && this.#tools) return this.#tools;
    let tools: ToolDescription[];
    if (this.transport === "http") {
      const sessionId = await this.#session(options);
      tools = toTools(
        (await this.#rpc("tools/list", { session_id: sessionId }, options) as Json)?.tools,
      );
    } else {
      const { observation } = await this.step({ type: "list_tools" }, options);
      tools = toTools(observation.tools);
    }
    this.#tools = tools;
    return tools;
  }

  /** The tool with this name, or undefined. */
  async getTool(name: string, options: CallOptions = {}): Promise<ToolDescription | undefined> {
    return (await this.listTools(options)).find((t) => t.name === name);
  }

  /** Whether the environment has a tool with this name. */
  async hasTool(name: string, options: CallOptions = {}): Promise<boolean> {
    return (await this.getTool(name, options)) !== undefined;
  }

  /**
   * Calls a tool and returns its value (`result.data`).
   *
   * @typeParam T The tool's return type.
   * @param name Tool name.
   * @param args Tool arguments.
   * @param options A signal and a time limit.
   * @throws {ToolFailedError} When the tool is unknown, the arguments are
   * invalid, the tool fails or times out.
   */
  async callTool<T = unknown>(
    name: string,
    args: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<T> {
    if (this.transport === "http") {
      const sessionId = await this.#session(options);
      const reply = await this.#send(
        "tools/call",
        { name, arguments: args, session_id: sessionId },
        options,
      );
      if (reply.error) {
        const message = String(reply.error.message);
        throw new ToolFailedError(name, classify(message), message);
      }
      return dataOf(reply.result) as T;
    }
    const { observation } = await this.callToolStep(name, args, options);
    return dataOf(observation.result) as T;
  }

  /**
   * Calls a tool as a `/ws` step and returns the whole step result (the
   * observation with `tool_name` and `result`, the reward and `done`).
   *
   * @throws {ToolFailedError} When the observation reports an error.
   * @throws {TypeError} With the HTTP transport, which has no steps.
   */
  async callToolStep(
    name: string,
    args: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<StepResult<Record<string, unknown>>> {
    if (this.transport === "http") {
      throw new TypeError(
        "callToolStep needs the ws transport: HTTP /mcp tool calls are not steps",
      );
    }
    const result = await this.step(
      { type: "call_tool", tool_name: name, arguments: args },
      options,
    );
    const error = result.observation.error;
    if (isObject(error)) {
      throw new ToolFailedError(
        name,
        String(error.error_type) as ToolFailureType,
        String(error.message),
      );
    }
    if (!("tool_name" in result.observation)) {
      throw new ProtocolError("Expected a tool-call observation", { reply: result.observation });
    }
    return result;
  }

  /** Closes the HTTP MCP session (best effort), then the WebSocket. */
  override async close(): Promise<void> {
    const pending = this.#sessionId;
    this.#sessionId = null;
    if (pending) {
      try {
        const id = await pending;
        await this.#send("openenv/session/close", { session_id: id }, { timeoutS: 5 });
      } catch { /* best effort, as the reference */ }
    }
    await super.close();
  }

  #session(options: CallOptions): Promise<string> {
    this.#sessionId ??= (async () => {
      const result = await this.#rpc("openenv/session/create", {}, options);
      const id = isObject(result) ? result.session_id : undefined;
      if (typeof id !== "string" || id === "") {
        throw new ProtocolError("Failed to create MCP session: missing session_id", {
          reply: result,
        });
      }
      return id;
    })().catch((error) => {
      this.#sessionId = null;
      throw error;
    });
    return this.#sessionId;
  }

  async #rpc(method: string, params: Json, options: CallOptions): Promise<unknown> {
    const reply = await this.#send(method, params, options);
    if (reply.error) {
      throw new ServerError(
        `JSONRPC_${reply.error.code}`,
        `${method} failed: ${reply.error.message}`,
        {
          data: reply.error.data,
        },
      );
    }
    return reply.result;
  }

  async #send(
    method: string,
    params: Json,
    options: CallOptions,
  ): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
    const timeout = AbortSignal.timeout((options.timeoutS ?? this.#httpTimeoutS) * 1000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await this.#fetch(this.#mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", method, params, id: ++this.#nextId }),
      signal,
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (!response.ok) throw new HttpError(response.status, body, `POST /mcp ${method}`);
    if (!isObject(body) || (!("result" in body) && !isObject(body.error))) {
      throw new ProtocolError(`Expected a JSON-RPC reply to '${method}'`, { reply: body });
    }
    return body as { result?: unknown; error?: { code: number; message: string } };
  }
}
