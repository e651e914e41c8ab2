/**
 * A standard MCP endpoint (Streamable HTTP, from the official MCP TypeScript
 * SDK) beside the OpenEnv routes, so any MCP client can connect to a tool
 * environment and discover its tools.
 *
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server";
// The SDK publishes no type declarations for these two subpaths (its "./*"
// export maps types to "*.js.d.ts", which does not exist), so the few members
// used here are typed locally below.
import { WebStandardStreamableHTTPServerTransport as SdkTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { OpenEnvError } from "../core/errors.ts";
import { isToolHost } from "../core/tools.ts";
import type { EnvServerApp } from "../server/create_app.ts";
import type { Session } from "../server/session_manager.ts";
import { classifyToolError } from "./errors.ts";

/** Options for {@linkcode withMcpEndpoint}. */
export interface McpEndpointOptions {
  /** Path that always speaks Streamable HTTP. @default {"/mcp/stream"} */
  path?: string;
  /**
   * Also answer Streamable HTTP requests on `/mcp` itself, told apart from
   * the OpenEnv JSON-RPC subset by their headers (see docs/MCP.md).
   * @default {true}
   */
  negotiate?: boolean;
  /** Server name reported to MCP clients on `initialize`. @default {"openenv"} */
  name?: string;
  /** Server version reported on `initialize`. @default {"1.0.0"} */
  version?: string;
}

interface Transport {
  readonly sessionId?: string;
  handleRequest(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
}

interface TransportOptions {
  sessionIdGenerator: () => string;
  onsessioninitialized: (id: string) => void;
  onsessionclosed: (id: string) => Promise<void>;
}

const WebStandardStreamableHTTPServerTransport = SdkTransport as new (
  options: TransportOptions,
) => Transport;

interface CallToolRequest {
  params: { name: string; arguments?: Record<string, unknown> };
}

interface StreamSession {
  transport: Transport;
  server: Server;
  session: Session;
}

const SESSION_HEADER = "mcp-session-id";

function rpcErrorResponse(status: number, code: number, message: string): Response {
  return new Response(
    JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message, data: null } }),
    { status, headers: { "content-type": "application/json" } },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Turns whatever a tool host returned into an MCP `CallToolResult`. */
function toMcpResult(result: unknown): Record<string, unknown> {
  if (isObject(result) && Array.isArray(result.content) && "is_error" in result) {
    const content = result.content.map((block) => {
      const b = isObject(block) ? block : { type: "text", text: String(block) };
      const out: Record<string, unknown> = { type: b.type };
      for (const [k, v] of Object.entries(b)) {
        if (k !== "type" && k !== "meta" && v !== null && v !== undefined) out[k] = v;
      }
      return out;
    });
    const mcp: Record<string, unknown> = { content, isError: result.is_error === true };
    if (isObject(result.structured_content)) mcp.structuredContent = result.structured_content;
    return mcp;
  }
  const text = typeof result === "string" ? result : JSON.stringify(result ?? null);
  const mcp: Record<string, unknown> = { content: [{ type: "text", text }], isError: false };
  if (isObject(result)) mcp.structuredContent = result;
  return mcp;
}

/**
 * Marks the session busy while a server-sent-event stream (`GET`) is open,
 * so the idle reaper does not end a session whose client is listening.
 */
function holdWhileOpen(response: Response, session: Session): Response {
  const reader = response.body!.getReader();
  let held = true;
  session.busy++;
  const release = () => {
    if (!held) return;
    held = false;
    session.busy--;
    session.lastActivityAt = Date.now();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

function buildServer(session: Session, options: McpEndpointOptions): Server {
  const server = new Server(
    { name: options.name ?? "openenv", version: options.version ?? "1.0.0" },
    { capabilities: { tools: {} } },
  );
  const env = session.env;
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    if (!isToolHost(env)) {
      throw new McpError(ErrorCode.InternalError, "Environment does not support MCP");
    }
    session.lastActivityAt = Date.now();
    const tools = await env.listTools();
    return {
      tools: tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema as { type: "object"; [key: string]: unknown },
      })),
    };
  });
  server.setRequestHandler(
    CallToolRequestSchema,
    async (request: CallToolRequest, extra: { signal: AbortSignal }) => {
      if (!isToolHost(env)) {
        throw new McpError(ErrorCode.InternalError, "Environment does not support MCP");
      }
      session.busy++;
      session.stepCount++;
      const signal = AbortSignal.any([extra.signal, session.abort.signal]);
      try {
        const result = await env.callTool(request.params.name, request.params.arguments ?? {}, {
          signal,
        });
        return toMcpResult(result);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (classifyToolError(error) === "tool_not_found") {
          throw new McpError(ErrorCode.InvalidParams, message);
        }
        // Execution and argument errors go back to the model as tool results.
        return { content: [{ type: "text", text: message }], isError: true };
      } finally {
        session.busy--;
        session.lastActivityAt = Date.now();
      }
    },
  );
  return server;
}

/**
 * Adds a standard MCP endpoint (Streamable HTTP, from the official MCP
 * TypeScript SDK) to an app built by `createApp` for a tool environment.
 *
 * - `path` (default `/mcp/stream`) always speaks Streamable HTTP.
 * - With `negotiate` (the default), `/mcp` does too for requests that are
 *   plainly Streamable HTTP: a `POST` that accepts `text/event-stream`,
 *   carries `Mcp-Session-Id` or calls `initialize`; a `GET` that accepts
 *   `text/event-stream` without a WebSocket upgrade; any `DELETE`. Every
 *   other `/mcp` request keeps the OpenEnv behaviour (the JSON-RPC subset on
 *   `POST`, the WebSocket on `GET`), so Python OpenEnv clients are unaffected.
 *
 * Each MCP session is an OpenEnv session (same capacity limit and idle
 * reaper; its id is the `Mcp-Session-Id`), with its own environment.
 *
 * @param app The app from `createApp`.
 * @param options Path, negotiation and server info.
 * @returns The app with the endpoint; closing it closes the MCP sessions too.
 *
 * @example
 * ```ts ignore
 * import { createApp, serve } from "@openenv/core/server";
 * import { McpAction, McpObservation, withMcpEndpoint } from "@openenv/core/mcp";
 *
 * const app = withMcpEndpoint(
 *   createApp(() => new MyToolEnv(), { action: McpAction, observation: McpObservation }),
 * );
 * serve(app, { port: 8000 });
 * ```
 */
export function withMcpEndpoint(
  app: EnvServerApp,
  options: McpEndpointOptions = {},
): EnvServerApp {
  const path = options.path ?? "/mcp/stream";
  const negotiate = options.negotiate ?? true;
  const streams = new Map<string, StreamSession>();

  const closeStream = async (id: string): Promise<void> => {
    const entry = streams.get(id);
    if (!entry) return;
    streams.delete(id);
    try {
      await entry.server.close();
    } catch { /* already closed */ }
  };

  const open = async (request: Request, parsedBody: unknown): Promise<Response> => {
    let session: Session;
    try {
      session = await app.sessions.create("mcp-http");
    } catch (error) {
      const e = error instanceof OpenEnvError ? error : undefined;
      return rpcErrorResponse(
        e?.code === "CAPACITY_REACHED" ? 503 : 500,
        -32000,
        e?.message ?? String(error),
      );
    }
    const server = buildServer(session, options);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => session.id,
      onsessioninitialized: (id) => {
        streams.set(id, { transport, server, session });
      },
      onsessionclosed: async (id) => {
        await closeStream(id);
        await app.sessions.destroy(id);
      },
    });
    // The OpenEnv session can end without us (openenv/session/close, the idle
    // reaper, shutdown): close the MCP side with it.
    session.abort.signal.addEventListener("abort", () => void closeStream(session.id), {
      once: true,
    });
    // deno-lint-ignore no-explicit-any
    await server.connect(transport as any);
    const response = await transport.handleRequest(request, { parsedBody });
    if (!transport.sessionId || !streams.has(session.id)) {
      // Not a valid initialize: nothing to keep.
      await server.close().catch(() => {});
      await app.sessions.destroy(session.id);
    }
    return response;
  };

  const handle = async (request: Request, parsedBody?: unknown): Promise<Response> => {
    const id = request.headers.get(SESSION_HEADER);
    if (!id) {
      if (request.method !== "POST") {
        return rpcErrorResponse(400, -32000, "Bad Request: Mcp-Session-Id header is required");
      }
      let body = parsedBody;
      if (body === undefined) {
        try {
          body = JSON.parse(await request.text());
        } catch {
          return rpcErrorResponse(400, -32700, "Parse error: the body must be JSON");
        }
      }
      return await open(request, body);
    }
    const entry = streams.get(id);
    if (!entry) {
      return rpcErrorResponse(
        404,
        -32001,
        `Session not found: '${id}'. Start a new session with an initialize request`,
      );
    }
    entry.session.lastActivityAt = Date.now();
    const response = await entry.transport.handleRequest(request, { parsedBody });
    if (request.method === "GET" && response.body) return holdWhileOpen(response, entry.session);
    return response;
  };

  /**
   * Routes a `/mcp` request: Streamable HTTP to the SDK, the rest to the
   * OpenEnv app. A POST body is read at most once (and never cloned).
   */
  const negotiateMcp = async (request: Request, info?: unknown): Promise<Response> => {
    const accept = request.headers.get("accept") ?? "";
    if (request.method === "DELETE") return await handle(request);
    if (request.method === "GET") {
      const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
      if (!upgrade && accept.includes("text/event-stream")) return await handle(request);
      return await app.fetch(request, info);
    }
    if (request.method !== "POST") return await app.fetch(request, info);
    if (request.headers.has(SESSION_HEADER) || accept.includes("text/event-stream")) {
      return await handle(request);
    }
    const text = await request.text();
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch { /* the OpenEnv route answers -32700 */ }
    const calls = Array.isArray(body) ? body : [body];
    const rebuilt = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: text,
    });
    if (calls.some((m) => isObject(m) && m.method === "initialize")) {
      return await handle(rebuilt, body);
    }
    return await app.fetch(rebuilt, info);
  };

  const fetch = async (request: Request, info?: unknown): Promise<Response> => {
    // The app's token and origin checks cover the MCP endpoint as well.
    const refused = app.guard?.(request);
    if (refused) return refused;
    const url = new URL(request.url);
    if (url.pathname === path) return await handle(request);
    if (negotiate && url.pathname === "/mcp") return await negotiateMcp(request, info);
    return await app.fetch(request, info);
  };

  const close = async (): Promise<void> => {
    await Promise.all([...streams.keys()].map(closeStream));
    await app.close();
  };

  // Every other member of the app (present or added later) is kept as is.
  return { ...app, fetch, close, [Symbol.asyncDispose]: close };
}
