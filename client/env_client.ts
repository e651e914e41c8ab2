/**
 * {@linkcode EnvClient}: one environment session over the `/ws` WebSocket.
 *
 * @module
 */
import {
  type CloseInfo,
  Connection,
  defaultWebSocketFactory,
  type Frame,
  type WebSocketFactory,
} from "./_connection.ts";
import { checkAction, deadline, resetBody, sleep, toState, toStepResult } from "./_payload.ts";
import { toWsUrl } from "./_url.ts";
import {
  ClientClosedError,
  ProtocolError,
  serverErrorFrom,
  SessionLostError,
  TimeoutError,
} from "./errors.ts";
import type { CallOptions, EnvSchemas, EnvSession, ResetOptions, StepResult } from "./types.ts";

export type { WebSocketFactory };

/** What a reconnect did, passed to {@linkcode ReconnectPolicy.onReconnect}. */
export interface ReconnectEvent<O> {
  /** Connection attempts it took (1 = the first try worked). */
  attempts: number;
  /** The first observation of the new episode, or `null` when the call that triggered the reconnect was itself a `reset()` (or no episode had been started). */
  result: StepResult<O> | null;
  /** Why the previous connection ended. */
  cause: unknown;
}

/**
 * What to do when the connection drops. The call in flight always fails with
 * {@linkcode SessionLostError} (it is never replayed: the server may or may
 * not have applied it). The next call then reconnects, with exponential
 * backoff, and starts a new episode with the last reset options before it
 * runs.
 *
 * @typeParam O The observation type.
 */
export interface ReconnectPolicy<O = unknown> {
  /** Connection attempts before giving up. @default {5} */
  maxAttempts?: number;
  /** Wait before the second attempt, in seconds. @default {0.25} */
  initialDelayS?: number;
  /** Longest wait between attempts, in seconds. @default {10} */
  maxDelayS?: number;
  /** Growth of the wait per attempt. @default {2} */
  factor?: number;
  /** Randomize each wait between half and all of it, so many clients do not retry in step. @default {true} */
  jitter?: boolean;
  /** Called after a successful reconnect (and reset). */
  onReconnect?: (event: ReconnectEvent<O>) => void;
}

/**
 * Options of {@linkcode EnvClient}.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface EnvClientOptions<A, O, S> {
  /** The environment's schemas; without them replies are passed through unchecked. */
  schemas?: EnvSchemas<A, O, S>;
  /** Time limit to open the connection, in seconds. @default {10} */
  connectTimeoutS?: number;
  /** Default time limit of each call, in seconds; 0 means none. @default {60} */
  messageTimeoutS?: number;
  /**
   * Headers sent with the WebSocket handshake, for example
   * `{ Authorization: "Bearer …" }` for a private deployment. Works in Deno,
   * Node and Bun; the browser WebSocket API cannot send headers, so there
   * this throws a `TypeError` (use a URL parameter or a cookie instead).
   */
  headers?: Record<string, string>;
  /**
   * Sends a `{"type":"state"}` message after this many idle seconds; 0 turns
   * it off. Deno's WebSocket client cannot send protocol pings, and some
   * tunnels and proxies close connections that carry no data for a while;
   * a small message keeps them open and detects a dead connection (a
   * keepalive with no reply within `messageTimeoutS` ends the session).
   * @default {0}
   */
  keepaliveIntervalS?: number;
  /** Reconnect after a lost connection (see {@linkcode ReconnectPolicy}); `true` uses the defaults. @default {false} */
  reconnect?: boolean | ReconnectPolicy<O>;
  /** Builds the WebSocket (for a custom implementation). @default {the global WebSocket} */
  createWebSocket?: WebSocketFactory;
}

/** Where a client is in its life. */
export type ClientStatus = "idle" | "connecting" | "open" | "lost" | "closed";

const FATAL_CODES = new Set(["SESSION_ERROR"]);

/**
 * A client for one environment session over the `/ws` WebSocket, as the
 * official Python `EnvClient` uses it. Runs anywhere with `fetch` and
 * `WebSocket`: Deno, Node 22+, Bun and browsers.
 *
 * - The connection opens on the first call, or with {@linkcode EnvClient.connect}.
 * - Calls are serialized: the protocol has no request ids, so one call runs
 *   at a time per connection (use several clients, or {@linkcode EnvPool},
 *   for parallel episodes).
 * - Every call takes an `AbortSignal` and has a time limit.
 * - Server `error` frames become {@linkcode ServerError}s with the wire code;
 *   a dropped connection rejects waiting calls at once with
 *   {@linkcode SessionLostError}.
 *
 * With `schemas` the client is typed: actions are checked before sending and
 * observations and state are parsed. Without them (the generic client),
 * replies are returned as the server sent them.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 *
 * @example A generic client
 * ```ts ignore
 * import { EnvClient } from "@openenv/core/client";
 *
 * await using env = new EnvClient("http://127.0.0.1:8000");
 * const first = await env.reset({ seed: 1 });
 * const result = await env.step({ message: "hi" });
 * console.log(result.observation.echoed_message, result.reward); // "hi" 0.2
 * ```
 *
 * @example A typed client with a deadline and a reconnect policy
 * ```ts ignore
 * import { EnvClient } from "@openenv/core/client";
 * import { EchoAction, EchoObservation, EchoState } from "@openenv/echo";
 *
 * await using env = await EnvClient.connect("https://my-env.example", {
 *   schemas: { action: EchoAction, observation: EchoObservation, state: EchoState },
 *   headers: { Authorization: `Bearer ${Deno.env.get("TOKEN")}` },
 *   reconnect: { maxAttempts: 10 },
 * });
 * await env.reset({ episodeId: "run-1" });
 * const { observation } = await env.step({ message: "hi" }, { timeoutS: 5 });
 * ```
 */
export class EnvClient<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
> implements EnvSession<A, O, S> {
  /** The base URL given to the constructor. */
  readonly baseUrl: string;
  /** The WebSocket URL, `<base>/ws` with `ws`/`wss`. */
  readonly wsUrl: string;
  #schemas: EnvSchemas<A, O, S>;
  #connectTimeoutS: number;
  #messageTimeoutS: number;
  #headers: Record<string, string> | undefined;
  #keepaliveS: number;
  #policy: Required<Omit<ReconnectPolicy<O>, "onReconnect">> & ReconnectPolicy<O> | null;
  #createWebSocket: WebSocketFactory;
  #conn: Connection | undefined;
  #status: ClientStatus = "idle";
  #lostCause: unknown;
  #lastReset: ResetOptions | undefined;
  #tail: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #keepaliveTimer: ReturnType<typeof setInterval> | undefined;
  #lastActivity = 0;
  #busy = 0;
  #reconnects = 0;
  #everOpened = false;

  /**
   * Creates a client; nothing is opened until the first call or
   * {@linkcode EnvClient.connect}.
   *
   * @param baseUrl The server, for example `http://127.0.0.1:8000` or
   * `https://host/prefix` (a path prefix is kept).
   * @param options Schemas, time limits, headers, keepalive, reconnect policy.
   * @throws {TypeError} When the URL or an option is invalid.
   */
  constructor(baseUrl: string, options: EnvClientOptions<A, O, S> = {}) {
    this.baseUrl = baseUrl;
    this.wsUrl = toWsUrl(baseUrl);
    this.#schemas = options.schemas ?? {};
    this.#connectTimeoutS = positive("connectTimeoutS", options.connectTimeoutS, 10);
    this.#messageTimeoutS = nonNegative("messageTimeoutS", options.messageTimeoutS, 60);
    this.#keepaliveS = nonNegative("keepaliveIntervalS", options.keepaliveIntervalS, 0);
    this.#headers = options.headers;
    this.#createWebSocket = options.createWebSocket ?? defaultWebSocketFactory;
    const r = options.reconnect;
    this.#policy = r
      ? {
        maxAttempts: 5,
        initialDelayS: 0.25,
        maxDelayS: 10,
        factor: 2,
        jitter: true,
        ...(r === true ? {} : r),
      }
      : null;
    if (
      this.#policy && !(Number.isInteger(this.#policy.maxAttempts) && this.#policy.maxAttempts >= 1)
    ) {
      throw new RangeError(
        `reconnect.maxAttempts must be a positive integer, got ${this.#policy.maxAttempts}`,
      );
    }
  }

  /**
   * Creates a client and opens its connection.
   *
   * @param baseUrl The server's base URL.
   * @param options Client options, plus a `signal` for the connect.
   * @returns The connected client.
   * @throws {CapacityError} When the server has no free session.
   * @throws {ConnectError} When the server cannot be reached.
   *
   * @example
   * ```ts ignore
   * import { EnvClient } from "@openenv/core/client";
   *
   * await using env = await EnvClient.connect("http://127.0.0.1:8000");
   * ```
   */
  static connect<
    A = Record<string, unknown>,
    O = Record<string, unknown>,
    S = Record<string, unknown>,
  >(
    this: typeof EnvClient,
    baseUrl: string,
    options?: EnvClientOptions<A, O, S> & { signal?: AbortSignal },
  ): Promise<EnvClient<A, O, S>>;
  /**
   * Creates a client of a subclass (for example a typed environment client
   * such as `EchoEnv`) and opens its connection.
   *
   * @param baseUrl The server's base URL.
   * @param options The subclass's options, plus a `signal` for the connect.
   * @returns The connected client.
   */
  static connect<C extends { connect(call?: CallOptions): Promise<void> }, Opt>(
    this: new (baseUrl: string, options?: Opt) => C,
    baseUrl: string,
    options?: Opt & { signal?: AbortSignal },
  ): Promise<C>;
  static async connect(
    // deno-lint-ignore no-explicit-any
    this: new (baseUrl: string, options?: any) => {
      connect(call?: CallOptions): Promise<void>;
    },
    baseUrl: string,
    options?: { signal?: AbortSignal },
  ): Promise<unknown> {
    const client = new this(baseUrl, options);
    await client.connect({ signal: options?.signal });
    return client;
  }

  /** Where the client is in its life. */
  get status(): ClientStatus {
    if (this.#status === "open" && !this.#conn?.isOpen) return "lost";
    return this.#status;
  }

  /** How many times the reconnect policy re-established the session. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /**
   * Opens the connection now instead of on the first call. It checks that
   * the server really created a session (a full server accepts the
   * WebSocket and only then says it is at capacity).
   *
   * @param call A signal and a time limit.
   * @throws {CapacityError} When the server has no free session.
   * @throws {ConnectError} When the server cannot be reached or refuses the handshake.
   * @throws {TimeoutError} When opening takes longer than `connectTimeoutS`.
   *
   * @example
   * ```ts ignore
   * const env = new EnvClient("http://127.0.0.1:8000");
   * await env.connect({ signal: AbortSignal.timeout(5000) });
   * ```
   */
  async connect(call: CallOptions = {}): Promise<void> {
    await this.#call("connect", call, () => Promise.resolve());
  }

  /**
   * Starts a new episode.
   *
   * @param options `seed`, `episodeId` (sent as `episode_id`) and any
   * environment-specific keys.
   * @param call A signal and a time limit.
   * @returns The first observation.
   * @throws {ServerError} When the server reports an error.
   *
   * @example
   * ```ts ignore
   * const { observation } = await env.reset({ seed: 42, episodeId: "ep-1" });
   * ```
   */
  reset(options: ResetOptions = {}, call: CallOptions = {}): Promise<StepResult<O>> {
    let data: Record<string, unknown>;
    try {
      data = resetBody(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#call("reset", call, async (conn, signal) => {
      this.#lastReset = { ...options };
      const frame = await conn.request({ type: "reset", data }, "reset", signal);
      return this.#observation(frame, "reset");
    });
  }

  /**
   * Applies an action.
   *
   * @param action The action (checked against the action schema when given).
   * @param call A signal and a time limit.
   * @returns The observation, reward and done flag.
   * @throws {TypeError} When the action does not match the schema; nothing is sent.
   * @throws {ServerError} When the server reports an error (`VALIDATION_ERROR`, `EXECUTION_ERROR`).
   * @throws {SessionLostError} When the connection drops.
   *
   * @example
   * ```ts ignore
   * const { observation, reward, done } = await env.step({ message: "hi" });
   * ```
   */
  step(action: A, call: CallOptions = {}): Promise<StepResult<O>> {
    try {
      checkAction(this.#schemas.action, action);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#call("step", call, async (conn, signal) => {
      const frame = await conn.request({ type: "step", data: action }, "step", signal);
      return this.#observation(frame, "step");
    });
  }

  /**
   * The current state of the episode.
   *
   * @param call A signal and a time limit.
   * @returns The state (parsed with the state schema when given).
   *
   * @example
   * ```ts ignore
   * const { episode_id, step_count } = await env.state();
   * ```
   */
  state(call: CallOptions = {}): Promise<S> {
    return this.#call("state", call, async (conn, signal) => {
      const frame = await conn.request({ type: "state" }, "state", signal);
      if (frame.type === "error") throw this.#serverError(frame, "state");
      if (frame.type !== "state") {
        throw new ProtocolError(`Expected a 'state' reply, got '${frame.type}'`, { reply: frame });
      }
      return toState(frame.data, this.#schemas.state);
    });
  }

  /**
   * Ends the session: sends `{"type":"close"}` and waits for the server to
   * close the socket (at most `connectTimeoutS`). A call in flight still gets
   * its reply first, because the server answers in order. Idempotent.
   *
   * @example
   * ```ts ignore
   * await env.close();
   * ```
   */
  close(): Promise<void> {
    return this.#closing ??= (async () => {
      this.#status = "closed";
      this.#stopKeepalive();
      const conn = this.#conn;
      if (conn) await conn.close(this.#connectTimeoutS);
    })();
  }

  /** Same as {@linkcode EnvClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ---------------------------------------------------------

  async #call<T>(
    what: string,
    call: CallOptions,
    op: (conn: Connection, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#closing) throw new ClientClosedError(`Cannot ${what}: the client is closed`);
    const timeoutS = call.timeoutS ?? this.#messageTimeoutS;
    const limit = deadline(
      what,
      call.signal,
      timeoutS,
      () =>
        new TimeoutError(`No reply to '${what}' from '${this.wsUrl}' within ${timeoutS} s`, {
          timeoutS,
        }),
    );
    this.#busy++;
    try {
      return await this.#exclusive(limit.signal, async () => {
        if (this.#closing) throw new ClientClosedError(`Cannot ${what}: the client is closed`);
        const conn = await this.#ready(what, limit.signal);
        return await op(conn, limit.signal);
      });
    } finally {
      this.#busy--;
      this.#lastActivity = Date.now();
      limit.dispose();
    }
  }

  async #exclusive<T>(signal: AbortSignal, op: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.#tail = previous.then(() => mine);
    try {
      await raceAbort(previous, signal);
    } catch (error) {
      void previous.then(release);
      throw error;
    }
    try {
      return await op();
    } finally {
      release();
    }
  }

  /** The open connection, opening, reopening or refusing as the status says. */
  async #ready(what: string, signal: AbortSignal): Promise<Connection> {
    if (this.#conn?.isOpen) return this.#conn;
    if (what === "keepalive") {
      throw new SessionLostError(`The connection to '${this.wsUrl}' is not open`);
    }
    if (this.#status === "open" || this.#status === "connecting") {
      // The socket closed but the close event has not been handled yet.
      this.#markLost(this.#conn?.closeInfo);
    }
    if (this.#status === "idle" || this.#status === "connecting") {
      return await this.#open(signal);
    }
    // Lost.
    if (this.#policy) return await this.#recover(what, signal);
    if (what === "reset" || what === "connect") return await this.#open(signal);
    throw new SessionLostError(
      `Cannot ${what}: the session with '${this.wsUrl}' was lost; call reset() to start a new one`,
      { cause: this.#lostCause },
    );
  }

  async #open(signal: AbortSignal): Promise<Connection> {
    this.#status = "connecting";
    const limit = deadline(
      "connect",
      signal,
      this.#connectTimeoutS,
      () =>
        new TimeoutError(
          `Cannot connect to '${this.wsUrl}' within ${this.#connectTimeoutS} s`,
          { timeoutS: this.#connectTimeoutS },
        ),
    );
    let conn: Connection | undefined;
    try {
      conn = await Connection.open({
        url: this.wsUrl,
        headers: this.#headers,
        connectTimeoutS: this.#connectTimeoutS,
        signal: limit.signal,
        createWebSocket: this.#createWebSocket,
      });
      // A full server accepts the handshake, then sends CAPACITY_REACHED and
      // closes: ask for the state so that shows up here, not on the next call.
      const frame = await conn.request({ type: "state" }, "connect", limit.signal);
      if (frame.type === "error") {
        const error = serverErrorFrom(frame.data);
        if (["CAPACITY_REACHED", "FACTORY_ERROR", "SESSION_ERROR"].includes(error.code)) {
          throw error;
        }
      }
    } catch (error) {
      conn?.terminate(1000, "connect failed");
      this.#status = this.#everOpened ? "lost" : "idle";
      throw error;
    } finally {
      limit.dispose();
    }
    if (this.#closing) {
      conn.terminate(1000, "client closed");
      throw new ClientClosedError();
    }
    this.#conn = conn;
    this.#status = "open";
    this.#everOpened = true;
    this.#lostCause = undefined;
    const opened = conn;
    void conn.closed.then((info) => {
      if (this.#conn === opened && this.#status === "open") this.#markLost(info);
    });
    this.#startKeepalive();
    return conn;
  }

  async #recover(what: string, signal: AbortSignal): Promise<Connection> {
    const policy = this.#policy!;
    const cause = this.#lostCause;
    let lastError: unknown = cause;
    try {
      for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
        if (attempt > 1) {
          const base = Math.min(
            policy.maxDelayS,
            policy.initialDelayS * policy.factor ** (attempt - 2),
          );
          const wait = policy.jitter ? base * (0.5 + Math.random() / 2) : base;
          await sleep(wait * 1000, signal);
        }
        let conn: Connection;
        try {
          conn = await this.#open(signal);
        } catch (error) {
          // Aborts, a closed client and bad options (TypeError) are not worth retrying.
          if (signal.aborted || error instanceof ClientClosedError || error instanceof TypeError) {
            throw error;
          }
          lastError = error;
          continue;
        }
        this.#reconnects++;
        let result: StepResult<O> | null = null;
        if (what !== "reset" && this.#lastReset !== undefined) {
          const frame = await conn.request(
            { type: "reset", data: resetBody(this.#lastReset) },
            "reset",
            signal,
          );
          result = this.#observation(frame, "reset");
        }
        policy.onReconnect?.({ attempts: attempt, result, cause });
        return conn;
      }
    } finally {
      if (this.#status !== "open") this.#status = "lost";
    }
    throw new SessionLostError(
      `Cannot reconnect to '${this.wsUrl}' after ${policy.maxAttempts} attempt(s)`,
      { cause: lastError },
    );
  }

  #markLost(info: CloseInfo | undefined): void {
    this.#stopKeepalive();
    this.#status = "lost";
    this.#lostCause = info?.serverError ??
      new SessionLostError(
        `The connection to '${this.wsUrl}' closed (code ${info?.code ?? "unknown"})`,
        { closeCode: info?.code },
      );
  }

  #observation(frame: Frame, what: string): StepResult<O> {
    if (frame.type === "error") throw this.#serverError(frame, what);
    if (frame.type !== "observation") {
      throw new ProtocolError(`Expected an 'observation' reply to '${what}', got '${frame.type}'`, {
        reply: frame,
      });
    }
    return toStepResult(frame.data, this.#schemas.observation, what);
  }

  #serverError(frame: Frame, what: string): Error {
    const error = serverErrorFrom(frame.data);
    if (FATAL_CODES.has(error.code)) {
      return new SessionLostError(
        `The server ended the session during '${what}': ${error.message}`,
        { cause: error, inFlight: what },
      );
    }
    return error;
  }

  #startKeepalive(): void {
    if (this.#keepaliveS <= 0 || this.#keepaliveTimer !== undefined) return;
    this.#lastActivity = Date.now();
    const everyMs = this.#keepaliveS * 1000;
    this.#keepaliveTimer = setInterval(() => {
      if (this.#busy > 0 || this.#status !== "open") return;
      if (Date.now() - this.#lastActivity < everyMs * 0.9) return;
      const conn = this.#conn;
      this.#call(
        "keepalive",
        {},
        (c, signal) => c.request({ type: "state" }, "keepalive", signal),
      ).catch((error) => {
        if (error instanceof TimeoutError && conn === this.#conn) {
          // No answer: treat the connection as dead so callers learn at once.
          conn?.terminate(4000, "keepalive got no reply");
        }
      });
    }, Math.max(10, everyMs / 2));
  }

  #stopKeepalive(): void {
    if (this.#keepaliveTimer !== undefined) clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = undefined;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v > 0)) {
    throw new RangeError(`${name} must be a positive number of seconds, got ${value}`);
  }
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || Number.isNaN(v) || v < 0) {
    throw new RangeError(`${name} must be 0 or a positive number of seconds, got ${value}`);
  }
  return v;
}
