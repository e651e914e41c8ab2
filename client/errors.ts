/**
 * Errors raised by the client. Every one extends
 * {@linkcode OpenEnvError} and carries a stable string `code`:
 *
 * - {@linkcode ServerError}: the server answered with an `error` frame; `code`
 *   is the wire code (`VALIDATION_ERROR`, `EXECUTION_ERROR`, …).
 * - {@linkcode CapacityError}: the server had no free session slot.
 * - {@linkcode SessionLostError}: the connection dropped; the episode is gone.
 * - {@linkcode TimeoutError}: no answer in time.
 * - {@linkcode ConnectError}: the connection could not be opened.
 * - {@linkcode ClientClosedError}: the client was closed.
 * - {@linkcode HttpError}: an HTTP route answered with an error status.
 * - {@linkcode ProtocolError}: the server's reply had an unexpected shape.
 *
 * @module
 */
import { OpenEnvError } from "../core/errors.ts";

/** One entry of a validation error list, as pydantic and our server spell it. */
export interface ValidationIssue {
  /** Machine-readable kind, for example `"missing"` or `"extra_forbidden"`. */
  type: string;
  /** Where the problem is, for example `["message"]` or `["body", "action"]`. */
  loc: (string | number)[];
  /** Human-readable message. */
  msg: string;
  /** The offending input. */
  input?: unknown;
  /** Extra context, for example `{ max_length: 255 }`. */
  ctx?: Record<string, unknown>;
}

function issuesOf(value: unknown): ValidationIssue[] {
  return Array.isArray(value)
    ? value.filter((v): v is ValidationIssue =>
      v !== null && typeof v === "object" && typeof (v as ValidationIssue).msg === "string"
    )
    : [];
}

/**
 * The server answered a WebSocket message with an `error` frame.
 *
 * `code` is the wire code and `details` holds the frame's other fields (for
 * example `errors` for `VALIDATION_ERROR`).
 *
 * @example Inspect a validation error
 * ```ts
 * import { ServerError } from "@openenv/core/client";
 *
 * const e = new ServerError("VALIDATION_ERROR", "Invalid message", {
 *   errors: [{ type: "missing", loc: ["message"], msg: "Field required" }],
 * });
 * console.log(e.code, e.errors[0].loc); // "VALIDATION_ERROR" ["message"]
 * ```
 */
export class ServerError extends OpenEnvError {
  /**
   * Creates the error from an `error` frame's fields.
   *
   * @param code The wire code.
   * @param message The server's message.
   * @param details The frame's other fields.
   */
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
    this.name = "ServerError";
  }

  /** The validation issues the server listed (empty unless `VALIDATION_ERROR`). */
  get errors(): ValidationIssue[] {
    return issuesOf(this.details.errors);
  }
}

/**
 * The server had no free session slot (`CAPACITY_REACHED`).
 *
 * @example
 * ```ts
 * import { CapacityError } from "@openenv/core/client";
 *
 * const e = new CapacityError("Server at capacity", { active_sessions: 2, max_sessions: 2 });
 * console.log(e.maxSessions); // 2
 * ```
 */
export class CapacityError extends ServerError {
  /**
   * Creates the error.
   *
   * @param message The server's message.
   * @param details The frame's other fields (`active_sessions`, `max_sessions`).
   */
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("CAPACITY_REACHED", message, details);
    this.name = "CapacityError";
  }

  /** Sessions active when the server refused, if it said. */
  get activeSessions(): number | undefined {
    const n = this.details.active_sessions;
    return typeof n === "number" ? n : undefined;
  }

  /** The server's session limit, if it said. */
  get maxSessions(): number | undefined {
    const n = this.details.max_sessions;
    return typeof n === "number" ? n : undefined;
  }
}

/** Options for {@linkcode SessionLostError}. */
export interface SessionLostErrorOptions {
  /** The underlying error, for example the server's `SESSION_ERROR`. */
  cause?: unknown;
  /** WebSocket close code, when the socket closed. */
  closeCode?: number;
  /** The call that was in flight (`"reset"`, `"step"`, `"state"`), if any. */
  inFlight?: string;
}

/**
 * The connection to the server was lost: the session and its episode are
 * gone. A call in flight is never replayed; start over with `reset()` (or
 * let a reconnect policy do it).
 *
 * @example
 * ```ts
 * import { SessionLostError } from "@openenv/core/client";
 *
 * const e = new SessionLostError("The connection closed (code 1006)", { closeCode: 1006, inFlight: "step" });
 * console.log(e.code, e.inFlight); // "SESSION_LOST" "step"
 * ```
 */
export class SessionLostError extends OpenEnvError {
  /** WebSocket close code, when the socket closed. */
  readonly closeCode?: number;
  /** The call that was in flight, if any. */
  readonly inFlight?: string;

  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options Cause, close code and the call in flight.
   */
  constructor(message: string, options: SessionLostErrorOptions = {}) {
    super("SESSION_LOST", message, {
      cause: options.cause,
      details: { close_code: options.closeCode, in_flight: options.inFlight },
    });
    this.name = "SessionLostError";
    this.closeCode = options.closeCode;
    this.inFlight = options.inFlight;
  }
}

/**
 * No reply came in time. Its `name` is `"TimeoutError"`, like the
 * `DOMException` that `AbortSignal.timeout()` raises.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@openenv/core/client";
 *
 * const e = new TimeoutError("No reply to 'step' within 60 s", { timeoutS: 60 });
 * console.log(e.name, e.code); // "TimeoutError" "TIMEOUT"
 * ```
 */
export class TimeoutError extends OpenEnvError {
  /** The limit that passed, in seconds. */
  readonly timeoutS: number;

  /**
   * Creates the error.
   *
   * @param message What timed out.
   * @param options The limit that passed.
   */
  constructor(message: string, options: { timeoutS: number }) {
    super("TIMEOUT", message, { details: { timeout_s: options.timeoutS } });
    this.name = "TimeoutError";
    this.timeoutS = options.timeoutS;
  }
}

/**
 * The connection could not be opened (refused, unreachable, or the server
 * rejected the handshake, for example for a missing bearer token).
 *
 * @example
 * ```ts
 * import { ConnectError } from "@openenv/core/client";
 *
 * const e = new ConnectError("Cannot connect to 'ws://127.0.0.1:1/ws'", { url: "ws://127.0.0.1:1/ws" });
 * console.log(e.code); // "CONNECT_FAILED"
 * ```
 */
export class ConnectError extends OpenEnvError {
  /** The URL that could not be reached. */
  readonly url: string;

  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The URL and the underlying error.
   */
  constructor(message: string, options: { url: string; cause?: unknown }) {
    super("CONNECT_FAILED", message, { cause: options.cause, details: { url: options.url } });
    this.name = "ConnectError";
    this.url = options.url;
  }
}

/**
 * The client was closed; it cannot be used any more.
 *
 * @example
 * ```ts
 * import { ClientClosedError } from "@openenv/core/client";
 *
 * console.log(new ClientClosedError().code); // "CLIENT_CLOSED"
 * ```
 */
export class ClientClosedError extends OpenEnvError {
  /**
   * Creates the error.
   *
   * @param message What was attempted.
   */
  constructor(message = "The client is closed: create a new one") {
    super("CLIENT_CLOSED", message);
    this.name = "ClientClosedError";
  }
}

/**
 * An HTTP route answered with an error status. For a 422, `errors` lists the
 * validation issues of the body's `detail`.
 *
 * `code` is the body's `code` when it has one (for example
 * `CAPACITY_REACHED`), else `HTTP_<status>`.
 *
 * @example
 * ```ts
 * import { HttpError } from "@openenv/core/client";
 *
 * const e = new HttpError(422, { detail: [{ type: "missing", loc: ["body", "action"], msg: "Field required" }] }, "POST /step");
 * console.log(e.status, e.code, e.errors.length); // 422 "HTTP_422" 1
 * ```
 */
export class HttpError extends OpenEnvError {
  /** The HTTP status. */
  readonly status: number;
  /** The body's `detail` (a string, or a list of issues for a 422), else the body. */
  readonly detail: unknown;

  /**
   * Creates the error.
   *
   * @param status The HTTP status.
   * @param body The parsed JSON body, or the text.
   * @param what The request, for example `"POST /step"`.
   */
  constructor(status: number, body: unknown, what: string) {
    const obj = body !== null && typeof body === "object" && !Array.isArray(body)
      ? body as Record<string, unknown>
      : undefined;
    const detail = obj && "detail" in obj ? obj.detail : body;
    const code = typeof obj?.code === "string" ? obj.code : `HTTP_${status}`;
    const issues = issuesOf(detail);
    const summary = typeof detail === "string"
      ? detail
      : issues.length
      ? issues.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; ")
      : JSON.stringify(detail);
    super(code, `${what} failed with HTTP ${status}: ${summary}`, {
      details: obj ?? { body },
    });
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
  }

  /** The validation issues of a 422 (empty otherwise). */
  get errors(): ValidationIssue[] {
    return issuesOf(this.detail);
  }
}

/**
 * The server's reply did not have the expected shape, or did not match the
 * environment's schema.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "@openenv/core/client";
 *
 * console.log(new ProtocolError("Expected an 'observation' reply, got 'state'").code); // "PROTOCOL_ERROR"
 * ```
 */
export class ProtocolError extends OpenEnvError {
  /**
   * Creates the error.
   *
   * @param message What was wrong.
   * @param options The underlying error (for example a zod error) and the reply.
   */
  constructor(message: string, options: { cause?: unknown; reply?: unknown } = {}) {
    super("PROTOCOL_ERROR", message, { cause: options.cause, details: { reply: options.reply } });
    this.name = "ProtocolError";
  }
}

/**
 * Builds the error for an `error` frame: a {@linkcode CapacityError} for
 * `CAPACITY_REACHED`, else a {@linkcode ServerError}.
 *
 * @param data The frame's `data`.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { serverErrorFrom } from "@openenv/core/client";
 *
 * const e = serverErrorFrom({ code: "EXECUTION_ERROR", message: "boom" });
 * console.log(e.code, e.message); // "EXECUTION_ERROR" "boom"
 * ```
 */
export function serverErrorFrom(data: unknown): ServerError {
  const obj = data !== null && typeof data === "object" ? data as Record<string, unknown> : {};
  const { code, message, ...rest } = obj;
  const text = typeof message === "string" ? message : "The server reported an error";
  if (code === "CAPACITY_REACHED") return new CapacityError(text, rest);
  return new ServerError(typeof code === "string" ? code : "UNKNOWN_ERROR", text, rest);
}
