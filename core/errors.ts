/**
 * Error types shared by the server and the client.
 *
 * @module
 */

/**
 * The seven error codes of the `/ws` protocol, exactly as the reference
 * sends them in `{"type":"error","data":{"code":…}}`.
 */
export const WS_ERROR_CODES = [
  "INVALID_JSON",
  "UNKNOWN_TYPE",
  "VALIDATION_ERROR",
  "EXECUTION_ERROR",
  "CAPACITY_REACHED",
  "FACTORY_ERROR",
  "SESSION_ERROR",
] as const;

/** One of the `/ws` error codes. */
export type WsErrorCode = typeof WS_ERROR_CODES[number];

/** JSON-RPC error codes used by `/mcp`. */
export const JsonRpcErrorCode = {
  /** The body was not valid JSON. */
  PARSE_ERROR: -32700,
  /** The request object was malformed. */
  INVALID_REQUEST: -32600,
  /** The method does not exist. */
  METHOD_NOT_FOUND: -32601,
  /** The parameters were wrong. */
  INVALID_PARAMS: -32602,
  /** The server failed while handling the request. */
  INTERNAL_ERROR: -32603,
  /** Capacity, factory or session failures. */
  SERVER_ERROR: -32000,
} as const;

/** A JSON-RPC error code. */
export type JsonRpcErrorCode = typeof JsonRpcErrorCode[keyof typeof JsonRpcErrorCode];

/** Options for {@linkcode OpenEnvError}. */
export interface OpenEnvErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** Extra fields sent with the error (for example `active_sessions`). */
  details?: Record<string, unknown>;
}

/**
 * Base class of the toolkit's errors: a message plus a string `code`.
 *
 * @example Catch by code
 * ```ts
 * import { OpenEnvError } from "@openenv/core";
 *
 * try {
 *   throw new OpenEnvError("EXECUTION_ERROR", "boom");
 * } catch (e) {
 *   if (e instanceof OpenEnvError) console.log(e.code); // "EXECUTION_ERROR"
 * }
 * ```
 */
export class OpenEnvError extends Error {
  /** A stable, machine-readable code. */
  readonly code: string;
  /** Extra fields that describe the error. */
  readonly details: Record<string, unknown>;

  /**
   * Creates an error.
   *
   * @param code A stable code, for example one of {@linkcode WS_ERROR_CODES}.
   * @param message A human-readable message.
   * @param options Cause and extra details.
   */
  constructor(code: string, message: string, options: OpenEnvErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "OpenEnvError";
    this.code = code;
    this.details = options.details ?? {};
  }
}
