/**
 * The JSON-RPC subset served on `POST /mcp`, `WS /mcp` and inside `/ws`
 * `mcp` messages: `tools/list`, `tools/call`, `openenv/session/create` and
 * `openenv/session/close`.
 *
 * @module
 */
import type { Environment } from "../core/environment.ts";
import { JsonRpcErrorCode, OpenEnvError } from "../core/errors.ts";
import { isToolHost } from "../core/tools.ts";
import { isPlainObject } from "./_validation.ts";
import { closeEnvironment } from "./_close_env.ts";
import type { Session, SessionManager } from "./session_manager.ts";

/** A JSON-RPC id. */
export type JsonRpcId = string | number | null;

/** A JSON-RPC error object; `data` is always present (null when unset). */
export interface JsonRpcErrorObject {
  /** Error code. */
  code: number;
  /** Error message. */
  message: string;
  /** Extra data, or null. */
  data: unknown;
}

/** A JSON-RPC response: exactly one of `result` and `error`. */
export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: JsonRpcId; result: unknown }
  | { jsonrpc: "2.0"; id: JsonRpcId; error: JsonRpcErrorObject };

/** Builds a JSON-RPC error response. */
export function rpcError(
  id: JsonRpcId,
  code: number,
  message: string,
  data: unknown = null,
): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message, data } };
}

/** Where a JSON-RPC request came from. */
export interface RpcContext {
  /** The session manager of the server. */
  sessions: SessionManager;
  /** Builds a throwaway environment for sessionless calls. */
  createEnv: () => Promise<Environment>;
  /** Set when the request arrived over a WebSocket bound to a session. */
  session?: Session;
  /** Longest wait for a throwaway environment's `close()`, in seconds. @default {10} */
  closeTimeoutS?: number;
}

const REQUEST_KEYS = new Set(["jsonrpc", "method", "params", "id"]);

/** Validates a request; returns the error text when it is malformed. */
function checkRequest(
  req: unknown,
): { ok: true; id: JsonRpcId; method: string; params: Record<string, unknown> } | {
  ok: false;
  problem: string;
} {
  if (!isPlainObject(req)) {
    return {
      ok: false,
      problem:
        "1 validation error for JsonRpcRequest\n  Input should be an object [type=model_type]",
    };
  }
  const problems: [loc: string, msg: string, type: string][] = [];
  const rawId = req.id;
  let id: JsonRpcId = null;
  // pydantic's lax `str | int | None`: booleans and integral floats become ints.
  if (typeof rawId === "string") id = rawId;
  else if (typeof rawId === "boolean") id = rawId ? 1 : 0;
  else if (typeof rawId === "number" && Number.isInteger(rawId)) id = rawId;
  else if (rawId !== undefined && rawId !== null) {
    problems.push(["id", "Input should be a valid string or integer", "union_type"]);
  }
  if (req.jsonrpc === undefined) problems.push(["jsonrpc", "Field required", "missing"]);
  else if (req.jsonrpc !== "2.0") {
    problems.push(["jsonrpc", "Input should be '2.0'", "literal_error"]);
  }
  if (req.method === undefined) problems.push(["method", "Field required", "missing"]);
  else if (typeof req.method !== "string") {
    problems.push(["method", "Input should be a valid string", "string_type"]);
  }
  if (req.params !== undefined && !isPlainObject(req.params)) {
    problems.push(["params", "Input should be a valid dictionary", "dict_type"]);
  }
  for (const key of Object.keys(req)) {
    if (!REQUEST_KEYS.has(key)) {
      problems.push([key, "Extra inputs are not permitted", "extra_forbidden"]);
    }
  }
  if (problems.length) {
    const n = problems.length;
    const lines = problems.map(([loc, msg, type]) => `${loc}\n  ${msg} [type=${type}]`);
    return {
      ok: false,
      problem: `${n} validation error${n === 1 ? "" : "s"} for JsonRpcRequest\n${lines.join("\n")}`,
    };
  }
  return {
    ok: true,
    id,
    method: req.method as string,
    params: (req.params as Record<string, unknown> | undefined) ?? {},
  };
}

function serverFailure(id: JsonRpcId, error: unknown): JsonRpcResponse {
  if (error instanceof OpenEnvError) {
    return rpcError(id, JsonRpcErrorCode.SERVER_ERROR, error.message, error.details);
  }
  return rpcError(id, JsonRpcErrorCode.INTERNAL_ERROR, String((error as Error)?.message ?? error));
}

/**
 * Answers one JSON-RPC request. Never throws: every failure becomes a
 * JSON-RPC error response.
 */
export async function handleJsonRpc(req: unknown, ctx: RpcContext): Promise<JsonRpcResponse> {
  const checked = checkRequest(req);
  if (!checked.ok) {
    // As the reference: a request that does not validate has no usable id.
    return rpcError(
      null,
      JsonRpcErrorCode.INVALID_REQUEST,
      `Invalid request: ${checked.problem}`,
    );
  }
  const { id, method, params } = checked;
  try {
    switch (method) {
      case "openenv/session/create":
        return await sessionCreate(id, ctx);
      case "openenv/session/close":
        return await sessionClose(id, params, ctx);
      case "tools/list":
      case "tools/call":
        return await toolsMethod(id, method, params, ctx);
      default:
        return rpcError(id, JsonRpcErrorCode.METHOD_NOT_FOUND, `Method not found: ${method}`);
    }
  } catch (error) {
    return serverFailure(id, error);
  }
}

async function sessionCreate(id: JsonRpcId, ctx: RpcContext): Promise<JsonRpcResponse> {
  if (ctx.session) return { jsonrpc: "2.0", id, result: { session_id: ctx.session.id } };
  const session = await ctx.sessions.create("mcp-http");
  return { jsonrpc: "2.0", id, result: { session_id: session.id } };
}

async function sessionClose(
  id: JsonRpcId,
  params: Record<string, unknown>,
  ctx: RpcContext,
): Promise<JsonRpcResponse> {
  const sid = params.session_id;
  if (typeof sid !== "string" || sid === "") {
    return rpcError(
      id,
      JsonRpcErrorCode.INVALID_PARAMS,
      "Invalid params - 'session_id' is required",
    );
  }
  if (ctx.session?.id === sid) {
    return rpcError(
      id,
      JsonRpcErrorCode.INVALID_REQUEST,
      "Cannot close active WebSocket-managed session via MCP method",
    );
  }
  // Only sessions opened through JSON-RPC can be closed through it: a caller
  // must not be able to end somebody else's WebSocket session by id.
  const target = ctx.sessions.get(sid);
  if (!target || target.kind !== "mcp-http") {
    return rpcError(id, JsonRpcErrorCode.INVALID_PARAMS, `Unknown session_id: ${sid}`);
  }
  await ctx.sessions.destroy(sid);
  return { jsonrpc: "2.0", id, result: { session_id: sid, closed: true } };
}

async function toolsMethod(
  id: JsonRpcId,
  method: "tools/list" | "tools/call",
  params: Record<string, unknown>,
  ctx: RpcContext,
): Promise<JsonRpcResponse> {
  let session = ctx.session;
  const sid = params.session_id;
  if (!session && typeof sid === "string" && sid !== "") {
    session = ctx.sessions.get(sid);
    if (!session) {
      return rpcError(id, JsonRpcErrorCode.INVALID_PARAMS, `Unknown session_id: ${sid}`);
    }
  }
  const env = session?.env ?? await ctx.createEnv();
  try {
    // Checked in the reference's order: MCP support, then the tool name.
    if (!isToolHost(env)) {
      return rpcError(id, JsonRpcErrorCode.INTERNAL_ERROR, "Environment does not support MCP");
    }
    if (method === "tools/call") {
      if (typeof params.name !== "string" || params.name === "") {
        return rpcError(id, JsonRpcErrorCode.INVALID_PARAMS, "Missing 'name' in params");
      }
      if (
        params.arguments !== undefined && params.arguments !== null &&
        !isPlainObject(params.arguments)
      ) {
        return rpcError(id, JsonRpcErrorCode.INVALID_PARAMS, "'arguments' must be an object");
      }
    }
    if (session) {
      session.busy++;
      session.lastActivityAt = Date.now();
    }
    try {
      if (method === "tools/list") {
        return { jsonrpc: "2.0", id, result: { tools: await env.listTools() } };
      }
      if (session) session.stepCount++;
      const args = (params.arguments as Record<string, unknown> | undefined) ?? {};
      const result = await env.callTool(params.name as string, args, {
        signal: session?.abort.signal,
      });
      return { jsonrpc: "2.0", id, result: result ?? null };
    } catch (error) {
      return rpcError(
        id,
        JsonRpcErrorCode.INTERNAL_ERROR,
        String((error as Error)?.message ?? error),
      );
    } finally {
      if (session) {
        session.busy--;
        session.lastActivityAt = Date.now();
      }
    }
  } finally {
    if (!session) {
      // A throwaway environment: a failing or stuck close() must not replace or hold the answer.
      await closeEnvironment(env, (ctx.closeTimeoutS ?? 10) * 1000);
    }
  }
}
