/**
 * The `/ws` session protocol (one environment per connection, messages
 * `reset`, `step`, `state`, `close` and `mcp`) and the raw JSON-RPC `/mcp`
 * WebSocket.
 *
 * @module
 */
import { OpenEnvError, type WsErrorCode } from "../core/errors.ts";
import { toStepPayload } from "../core/models.ts";
import { isPlainObject } from "./_validation.ts";
import { encodeWsObservation } from "./_encoding.ts";
import { stringifyWithFloats } from "./_float_paths.ts";
import type { ErrorDetail } from "./_validation.ts";
import {
  asObservation,
  parseAction,
  parseResetOptions,
  type Runtime,
  withStepTimeout,
} from "./_runtime.ts";
import { handleJsonRpc, rpcError } from "./jsonrpc.ts";
import type { Session, SessionKind } from "./session_manager.ts";
import { JsonRpcErrorCode } from "../core/errors.ts";
import { resetWithRubric, stepWithRubric } from "./_env_hooks.ts";

/** Close code for a normal end of session, as the reference uses. */
const NORMAL_CLOSURE = 1000;

/** Most messages (and bytes) a connection may have waiting behind the one being handled. */
const MAX_WAITING_MESSAGES = 1024;
const MAX_WAITING_BYTES = 64 * 1024 * 1024;

/** How long a socket refused at open stays open for the client to read why. */
const REFUSED_LINGER_MS = 1000;

interface ErrorData {
  message: string;
  code: WsErrorCode;
  [key: string]: unknown;
}

function errorFrame(code: WsErrorCode, message: string, extra?: Record<string, unknown>): string {
  const data: ErrorData = { message, code, ...extra };
  return JSON.stringify({ type: "error", data });
}

function validationFrame(errors: ErrorDetail[]): string {
  return errorFrame("VALIDATION_ERROR", "Invalid message", { errors });
}

function extraKeyErrors(msg: Record<string, unknown>, allowed: string[]): ErrorDetail[] {
  return Object.keys(msg)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({
      type: "extra_forbidden",
      loc: [k],
      msg: "Extra inputs are not permitted",
      input: msg[k],
    }));
}

function dataErrors(
  msg: Record<string, unknown>,
  required: boolean,
): ErrorDetail[] {
  if (!("data" in msg)) {
    return required ? [{ type: "missing", loc: ["data"], msg: "Field required", input: msg }] : [];
  }
  if (!isPlainObject(msg.data)) {
    return [{
      type: "dict_type",
      loc: ["data"],
      msg: "Input should be a valid dictionary",
      input: msg.data,
    }];
  }
  return [];
}

/** How the reference prints a message's `type` value (Python `str()`). */
function pythonStr(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byteLength(text: string, limit: number): number {
  // Cheap path: UTF-8 never takes more than 3 bytes per UTF-16 unit.
  if (text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Serves one `/ws` connection: creates its session when the socket opens,
 * answers messages strictly in order and ends the session when the socket
 * closes.
 */
export function serveWsSession(socket: WebSocket, rt: Runtime): void {
  attach(socket, rt, "ws");
}

/** Serves one raw JSON-RPC `/mcp` WebSocket connection. */
export function serveMcpSocket(socket: WebSocket, rt: Runtime): void {
  attach(socket, rt, "mcp-ws");
}

function attach(socket: WebSocket, rt: Runtime, kind: SessionKind): void {
  let session: Session | undefined;
  let ended = false;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>): void => {
    chain = chain.then(task).catch((error) => {
      // A handler bug: report it as a fatal session error, never crash.
      fatal(kind === "ws" ? errorFrame("SESSION_ERROR", messageOf(error)) : null, error);
    });
  };
  const send = (text: string): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
  };
  // A socket refused at open (capacity, factory): closed after the client's
  // first message or REFUSED_LINGER_MS, so clients that send before reading
  // (the official Python client) still read the error frame.
  let refusedTimer: ReturnType<typeof setTimeout> | undefined;
  const end = (): void => {
    clearTimeout(refusedTimer);
    if (ended) return;
    ended = true;
    const id = session?.id;
    if (id) void rt.sessions.destroy(id);
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      try {
        socket.close(NORMAL_CLOSURE);
      } catch { /* already closing */ }
    }
  };
  const fatal = (frame: string | null, error?: unknown): void => {
    if (frame) send(frame);
    else if (error) {
      send(JSON.stringify(rpcError(null, JsonRpcErrorCode.SERVER_ERROR, messageOf(error))));
    }
    end();
  };

  socket.onopen = () =>
    enqueue(async () => {
      try {
        session = await rt.sessions.create(kind);
      } catch (error) {
        const e = error instanceof OpenEnvError
          ? error
          : new OpenEnvError("SESSION_ERROR", messageOf(error));
        send(
          kind === "ws"
            ? errorFrame(e.code as WsErrorCode, e.message, e.details)
            : JSON.stringify(rpcError(null, JsonRpcErrorCode.SERVER_ERROR, e.message, e.details)),
        );
        // Already gone (client left, or a shutdown drained the socket): no linger timer.
        if (!ended) refusedTimer = setTimeout(end, REFUSED_LINGER_MS);
        return;
      }
      if (ended) {
        void rt.sessions.destroy(session.id);
        return;
      }
      session.onEnd = (reason) => {
        const message = reason === "idle"
          ? "Session closed after being idle too long"
          : "Server is shutting down";
        fatal(
          kind === "ws"
            ? errorFrame("SESSION_ERROR", message)
            : JSON.stringify(rpcError(null, JsonRpcErrorCode.SERVER_ERROR, message)),
        );
      };
    });
  // Messages waiting behind the one being handled. Clients send one at a time;
  // a flood (while a step runs) would otherwise grow memory without bound.
  let waiting = 0;
  let waitingBytes = 0;
  socket.onmessage = (event: MessageEvent) => {
    if (ended) return;
    const data: unknown = event.data;
    const size = typeof data === "string"
      ? data.length
      : data instanceof Blob
      ? data.size
      : (data as ArrayBuffer).byteLength ?? 0;
    waiting++;
    waitingBytes += size;
    if (waiting > MAX_WAITING_MESSAGES || waitingBytes > MAX_WAITING_BYTES) {
      const message =
        `Too many messages waiting for a reply (${waiting} messages, ${waitingBytes} bytes): send one message at a time`;
      fatal(
        kind === "ws"
          ? errorFrame("SESSION_ERROR", message)
          : JSON.stringify(rpcError(null, JsonRpcErrorCode.SERVER_ERROR, message)),
      );
      return;
    }
    enqueue(async () => {
      waiting--;
      waitingBytes -= size;
      if (!session) {
        if (refusedTimer !== undefined) end(); // refused: the error frame was sent first
        return;
      }
      if (ended) return;
      const closeAfter = { value: false };
      const reply = kind === "ws"
        ? await onWsMessage(event.data, session, rt, closeAfter)
        : await onMcpMessage(event.data, session, rt);
      if (reply !== null) send(reply);
      if (closeAfter.value) end();
    });
  };
  let markClosed!: () => void;
  const live = { end, closed: new Promise<void>((resolve) => (markClosed = resolve)) };
  rt.sockets?.add(live);
  socket.onclose = () => {
    end();
    rt.sockets?.delete(live);
    markClosed();
  };
  socket.onerror = () => end();
}

function frameProblem(data: unknown, rt: Runtime): string | null {
  if (typeof data !== "string") return "Binary frames are not supported: send JSON text frames";
  const size = byteLength(data, rt.maxFrameBytes);
  if (size > rt.maxFrameBytes) {
    return `Message of ${size} bytes is larger than the ${rt.maxFrameBytes}-byte limit`;
  }
  return null;
}

async function onWsMessage(
  data: unknown,
  session: Session,
  rt: Runtime,
  closeAfter: { value: boolean },
): Promise<string | null> {
  const problem = frameProblem(data, rt);
  if (problem) {
    return errorFrame(typeof data === "string" ? "VALIDATION_ERROR" : "INVALID_JSON", problem);
  }
  let msg: unknown;
  try {
    msg = JSON.parse(data as string);
  } catch (error) {
    return errorFrame("INVALID_JSON", `Invalid JSON: ${messageOf(error)}`);
  }
  if (!isPlainObject(msg)) {
    return validationFrame([{
      type: "model_type",
      loc: [],
      msg: "Input should be a JSON object with a 'type' field",
      input: msg,
    }]);
  }
  const type = msg.type;
  switch (type) {
    case "reset": {
      const errors = [...extraKeyErrors(msg, ["type", "data"]), ...dataErrors(msg, false)];
      if (errors.length) return validationFrame(errors);
      const options = parseResetOptions(rt, (msg.data ?? {}) as Record<string, unknown>, ["data"]);
      if (!options.ok) return validationFrame(options.errors);
      return await run(
        session,
        rt,
        "reset()",
        false,
        () => resetWithRubric(session.env, options.value),
        closeAfter,
      );
    }
    case "step": {
      const errors = [...extraKeyErrors(msg, ["type", "data"]), ...dataErrors(msg, true)];
      if (errors.length) return validationFrame(errors);
      const action = parseAction(rt, msg.data);
      if (!action.ok) return validationFrame(action.errors);
      return await run(
        session,
        rt,
        "step()",
        true,
        () => stepWithRubric(session.env, action.value, { signal: session.abort.signal }),
        closeAfter,
      );
    }
    case "state": {
      const errors = extraKeyErrors(msg, ["type"]);
      if (errors.length) return validationFrame(errors);
      try {
        const state = await session.env.state;
        return `{"type":"state","data":${stringifyWithFloats(state ?? {}, rt.statePlan)}}`;
      } catch (error) {
        return errorFrame("EXECUTION_ERROR", messageOf(error));
      }
    }
    case "close": {
      const errors = extraKeyErrors(msg, ["type"]);
      if (errors.length) return validationFrame(errors);
      closeAfter.value = true;
      return null;
    }
    case "mcp": {
      const errors = [...extraKeyErrors(msg, ["type", "data"]), ...dataErrors(msg, true)];
      if (errors.length) return validationFrame(errors);
      const response = await handleJsonRpc(msg.data, {
        sessions: rt.sessions,
        createEnv: rt.createEnv,
        session,
      });
      return JSON.stringify({ type: "mcp", data: response });
    }
    default:
      return errorFrame("UNKNOWN_TYPE", `Unknown message type: ${pythonStr(type)}`);
  }
}

async function run(
  session: Session,
  rt: Runtime,
  what: string,
  isStep: boolean,
  op: () => unknown,
  closeAfter: { value: boolean },
): Promise<string> {
  session.busy++;
  try {
    const obs = asObservation(await withStepTimeout(rt, what, op), what);
    if (isStep) session.stepCount++;
    return encodeWsObservation(toStepPayload(obs), rt.observationPlan);
  } catch (error) {
    if (error instanceof OpenEnvError && error.code === "STEP_TIMEOUT") {
      // The environment is in an unknown state: end the session after saying why.
      closeAfter.value = true;
      return errorFrame("EXECUTION_ERROR", `${error.message}; the session is closed`);
    }
    return errorFrame("EXECUTION_ERROR", messageOf(error));
  } finally {
    session.busy--;
    session.lastActivityAt = Date.now();
  }
}

async function onMcpMessage(data: unknown, session: Session, rt: Runtime): Promise<string> {
  const problem = frameProblem(data, rt);
  if (problem) {
    return JSON.stringify(
      rpcError(
        null,
        typeof data === "string" ? JsonRpcErrorCode.INVALID_REQUEST : JsonRpcErrorCode.PARSE_ERROR,
        problem,
      ),
    );
  }
  let req: unknown;
  try {
    req = JSON.parse(data as string);
  } catch (error) {
    return JSON.stringify(
      rpcError(null, JsonRpcErrorCode.PARSE_ERROR, `Parse error: ${messageOf(error)}`),
    );
  }
  const response = await handleJsonRpc(req, {
    sessions: rt.sessions,
    createEnv: rt.createEnv,
    session,
  });
  return JSON.stringify(response);
}
