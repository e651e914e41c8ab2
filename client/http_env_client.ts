/**
 * {@linkcode HttpEnvClient}: the HTTP routes of an environment server,
 * stateless or with the opt-in HTTP session.
 *
 * @module
 */
import type { EnvironmentMetadata } from "../core/models.ts";
import { checkAction, deadline, resetBody, toState, toStepResult } from "./_payload.ts";
import { toHttpBase } from "./_url.ts";
import {
  ClientClosedError,
  ConnectError,
  HttpError,
  ProtocolError,
  TimeoutError,
} from "./errors.ts";
import type { CallOptions, EnvSchemas, EnvSession, ResetOptions, StepResult } from "./types.ts";

/** The header of the opt-in stateful HTTP session. */
export const SESSION_HEADER = "OpenEnv-Session-Id";

/**
 * Options of {@linkcode HttpEnvClient}.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface HttpEnvClientOptions<A, O, S> {
  /** The environment's schemas; without them replies are passed through unchecked. */
  schemas?: EnvSchemas<A, O, S>;
  /**
   * Keep one environment across calls with the `OpenEnv-Session-Id` header
   * (servers built with this toolkit; the Python reference's HTTP routes are
   * always stateless). @default {false}
   */
  session?: boolean;
  /** Headers sent with every request (for example `Authorization`). */
  headers?: Record<string, string>;
  /** Default time limit of each request, in seconds; 0 means none. @default {60} */
  timeoutS?: number;
  /** The fetch to use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/** Options of {@linkcode HttpEnvClient.step}. */
export interface HttpStepOptions extends CallOptions {
  /** Sent as `timeout_s`: the time budget the environment gets for this step. */
  stepTimeoutS?: number;
  /** Sent as `request_id`. */
  requestId?: string;
  /** Extra step options the environment declared, sent next to `action`. */
  extra?: Record<string, unknown>;
}

/** The JSON schemas served at `/schema`. */
export interface EnvSchemaDocument {
  /** JSON schema of actions. */
  action: Record<string, unknown>;
  /** JSON schema of observations. */
  observation: Record<string, unknown>;
  /** JSON schema of the state. */
  state: Record<string, unknown>;
}

/**
 * A client for the HTTP routes: `POST /reset`, `POST /step`, `GET /state`,
 * `GET /health`, `GET /metadata`, `GET /schema`.
 *
 * Without `session`, each call runs on a fresh environment on the server
 * (that is what the reference's HTTP routes do, so `step` after `reset`
 * does not continue the episode). With `session: true`, the first `reset`
 * sends `OpenEnv-Session-Id: new`, later calls send the id the server
 * returned, and `close()` sends `DELETE /session`.
 *
 * Errors: a non-2xx answer is an {@linkcode HttpError}; for a 422, its
 * `errors` lists the validation issues.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 *
 * @example A stateful HTTP episode
 * ```ts ignore
 * import { HttpEnvClient } from "@openenv/core/client";
 *
 * await using env = new HttpEnvClient("http://127.0.0.1:8000", { session: true });
 * await env.reset({ seed: 1 });
 * const { reward } = await env.step({ message: "hi" }, { requestId: "r-1" });
 * console.log(reward, (await env.state()).step_count); // 0.2 1
 * ```
 */
export class HttpEnvClient<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
> implements EnvSession<A, O, S> {
  /** The HTTP base URL, without a trailing slash. */
  readonly baseUrl: string;
  #schemas: EnvSchemas<A, O, S>;
  #stateful: boolean;
  #headers: Record<string, string>;
  #timeoutS: number;
  #fetch: typeof fetch;
  #sessionId: string | undefined;
  #closed = false;

  /**
   * Creates a client. Nothing is sent until the first call.
   *
   * @param baseUrl The server, for example `http://127.0.0.1:8000`.
   * @param options Schemas, session mode, headers, time limit.
   * @throws {TypeError} When the URL is invalid.
   */
  constructor(baseUrl: string, options: HttpEnvClientOptions<A, O, S> = {}) {
    this.baseUrl = toHttpBase(baseUrl);
    this.#schemas = options.schemas ?? {};
    this.#stateful = options.session ?? false;
    this.#headers = options.headers ?? {};
    const t = options.timeoutS ?? 60;
    if (typeof t !== "number" || Number.isNaN(t) || t < 0) {
      throw new RangeError(`timeoutS must be 0 or a positive number of seconds, got ${t}`);
    }
    this.#timeoutS = t;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The id of the HTTP session, once `reset` created it (stateful mode). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /**
   * Starts an episode (`POST /reset`).
   *
   * @param options `seed`, `episodeId` (sent as `episode_id`) and
   * environment-specific keys.
   * @param call A signal and a time limit.
   * @returns The first observation.
   * @throws {HttpError} When the server answers with an error status.
   *
   * @example
   * ```ts ignore
   * const { observation } = await env.reset({ seed: 1 });
   * ```
   */
  async reset(options: ResetOptions = {}, call: CallOptions = {}): Promise<StepResult<O>> {
    const body = resetBody(options);
    const session = this.#stateful ? (this.#sessionId ?? "new") : undefined;
    let json: unknown;
    try {
      ({ json } = await this.#request("POST", "/reset", { body, session }, call));
    } catch (error) {
      // The server dropped our session (idle or restarted): start a new one.
      if (!(session && session !== "new" && error instanceof HttpError && error.status === 404)) {
        throw error;
      }
      this.#sessionId = undefined;
      ({ json } = await this.#request("POST", "/reset", { body, session: "new" }, call));
    }
    if (this.#stateful && this.#sessionId === undefined) {
      // The server ignored the header: every later call would run on a fresh
      // environment, silently. Say so instead.
      throw new ProtocolError(
        `The server at '${this.baseUrl}' did not open an HTTP session (its reply to POST /reset ` +
          `has no '${SESSION_HEADER}' header): it only has stateless HTTP routes, as the Python ` +
          `reference does. Use EnvClient (WebSocket) for episodes, or HttpEnvClient without 'session'`,
      );
    }
    return toStepResult(json, this.#schemas.observation, "reset");
  }

  /**
   * Applies an action (`POST /step`).
   *
   * @param action The action (checked against the action schema when given).
   * @param options Signal, time limit, `stepTimeoutS` (`timeout_s`),
   * `requestId` (`request_id`) and extra step options.
   * @returns The observation, reward and done flag.
   * @throws {TypeError} When the action does not match the schema; nothing is sent.
   * @throws {HttpError} When the server answers with an error status (422 for an invalid action).
   *
   * @example
   * ```ts ignore
   * const result = await env.step({ message: "hi" }, { stepTimeoutS: 5, requestId: "r-1" });
   * ```
   */
  async step(action: A, options: HttpStepOptions = {}): Promise<StepResult<O>> {
    checkAction(this.#schemas.action, action);
    const body: Record<string, unknown> = { ...options.extra, action };
    if (options.stepTimeoutS !== undefined) body.timeout_s = options.stepTimeoutS;
    if (options.requestId !== undefined) body.request_id = options.requestId;
    const { json } = await this.#request("POST", "/step", {
      body,
      session: this.#stateful ? this.#sessionId : undefined,
    }, options);
    return toStepResult(json, this.#schemas.observation, "step");
  }

  /**
   * The state (`GET /state`).
   *
   * @param call A signal and a time limit.
   * @returns The state (parsed with the state schema when given).
   *
   * @example
   * ```ts ignore
   * console.log((await env.state()).step_count);
   * ```
   */
  async state(call: CallOptions = {}): Promise<S> {
    const { json } = await this.#request("GET", "/state", {
      session: this.#stateful ? this.#sessionId : undefined,
    }, call);
    return toState(json, this.#schemas.state);
  }

  /**
   * Whether the server is healthy (`GET /health`).
   *
   * @param call A signal and a time limit.
   * @returns The parsed body, `{ status: "healthy" }`.
   *
   * @example
   * ```ts ignore
   * console.log((await env.health()).status); // "healthy"
   * ```
   */
  async health(call: CallOptions = {}): Promise<{ status: string }> {
    const { json } = await this.#request("GET", "/health", {}, call);
    return json as { status: string };
  }

  /**
   * The environment's metadata (`GET /metadata`), in camelCase.
   *
   * @param call A signal and a time limit.
   * @returns Name, description, README, version, author, documentation URL.
   *
   * @example
   * ```ts ignore
   * console.log((await env.metadata()).name);
   * ```
   */
  async metadata(call: CallOptions = {}): Promise<EnvironmentMetadata> {
    const { json } = await this.#request("GET", "/metadata", {}, call);
    const m = json as Record<string, unknown>;
    return {
      name: String(m.name ?? ""),
      description: String(m.description ?? ""),
      readmeContent: (m.readme_content as string | null | undefined) ?? null,
      version: (m.version as string | null | undefined) ?? null,
      author: (m.author as string | null | undefined) ?? null,
      documentationUrl: (m.documentation_url as string | null | undefined) ?? null,
    };
  }

  /**
   * The JSON schemas of actions, observations and state (`GET /schema`).
   *
   * @param call A signal and a time limit.
   * @returns The three schemas.
   *
   * @example
   * ```ts ignore
   * console.log(Object.keys((await env.schema()).action.properties ?? {}));
   * ```
   */
  async schema(call: CallOptions = {}): Promise<EnvSchemaDocument> {
    const { json } = await this.#request("GET", "/schema", {}, call);
    return json as EnvSchemaDocument;
  }

  /**
   * Ends the HTTP session (`DELETE /session`) when there is one. Idempotent;
   * a session the server already dropped is not an error.
   *
   * @example
   * ```ts ignore
   * await env.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const id = this.#sessionId;
    this.#sessionId = undefined;
    if (!id) return;
    try {
      await this.#send("DELETE", "/session", { session: id }, {});
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error;
    }
  }

  /** Same as {@linkcode HttpEnvClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #request(
    method: string,
    route: string,
    init: { body?: unknown; session?: string },
    call: CallOptions,
  ): Promise<{ json: unknown }> {
    if (this.#closed) {
      return Promise.reject(
        new ClientClosedError(`Cannot ${method} ${route}: the client is closed`),
      );
    }
    return this.#send(method, route, init, call);
  }

  async #send(
    method: string,
    route: string,
    init: { body?: unknown; session?: string },
    call: CallOptions,
  ): Promise<{ json: unknown }> {
    const what = `${method} ${route}`;
    const timeoutS = call.timeoutS ?? this.#timeoutS;
    const limit = deadline(
      what,
      call.signal,
      timeoutS,
      () =>
        new TimeoutError(`No answer to ${what} from '${this.baseUrl}' within ${timeoutS} s`, {
          timeoutS,
        }),
    );
    const headers: Record<string, string> = { ...this.#headers };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (init.session) headers[SESSION_HEADER] = init.session;
    const url = `${this.baseUrl}${route}`;
    try {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method,
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: limit.signal,
        });
      } catch (cause) {
        if (limit.signal.aborted) throw limit.signal.reason;
        throw new ConnectError(`Cannot reach '${url}': ${(cause as Error)?.message ?? cause}`, {
          url,
          cause,
        });
      }
      const text = await response.text();
      let json: unknown = text;
      try {
        json = text === "" ? null : JSON.parse(text);
      } catch {
        if (response.ok) {
          throw new ProtocolError(`${what} answered with a body that is not JSON`, { reply: text });
        }
      }
      if (!response.ok) throw new HttpError(response.status, json, what);
      const id = response.headers.get(SESSION_HEADER);
      if (this.#stateful && id && !this.#closed) this.#sessionId = id;
      return { json };
    } catch (error) {
      if (limit.signal.aborted && !(error instanceof HttpError)) throw limit.signal.reason;
      throw error;
    } finally {
      limit.dispose();
    }
  }
}
