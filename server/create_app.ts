/**
 * `createApp`: an environment server as a standard fetch handler, speaking
 * the OpenEnv HTTP and WebSocket protocol.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { Environment, EnvironmentFactory } from "../core/environment.ts";
import { OpenEnvError } from "../core/errors.ts";
import { ObservationSchema, StateSchema, toStepPayload } from "../core/models.ts";
import type { EnvironmentMetadata } from "../core/models.ts";
import { encodeHttpStep, internalError, jsonResponse } from "./_encoding.ts";
import { floatPlanOf, stringifyWithFloats } from "./_float_paths.ts";
import { closeEnvironment } from "./_close_env.ts";
import { detail, readBodyText, readJsonBody } from "./_body.ts";
import { readEnvVar } from "./_env.ts";
import { buildWithin } from "./_factory.ts";
import {
  asObservation,
  drainSockets,
  type OptionFilter,
  parseAction,
  parseResetOptions,
  parseStepExtras,
  type Runtime,
  withStepTimeout,
} from "./_runtime.ts";
import { type ErrorDetail, isPlainObject, laxFloat } from "./_validation.ts";
import { handleJsonRpc, rpcError } from "./jsonrpc.ts";
import { buildOpenApi } from "./openapi.ts";
import { renderDocsPage } from "./_docs_page.ts";
import { type Session, SessionManager } from "./session_manager.ts";
import { serveMcpSocket, serveWsSession } from "./_ws_session.ts";
import { JsonRpcErrorCode } from "../core/errors.ts";
import { mountWebInterface, type WebInterface } from "./web/web_interface.ts";
import {
  type AccessGuard,
  createAccessGuard,
  type SecurityOptions,
  tokenCookieRedirect,
} from "./security.ts";
import type { WebViewOptions } from "./web/web_view.ts";
import { resetWithRubric, stepWithRubric, withServerMode } from "./_env_hooks.ts";

export type { OptionFilter, WebViewOptions };

/** Server mode: `production` removes the HTTP `/reset`, `/step` and `/state` routes. */
export type ServerMode = "simulation" | "production";

/** Header that opts an HTTP client into a stateful session. */
export const SESSION_HEADER = "OpenEnv-Session-Id";

/** Options for {@linkcode createApp}. */
export interface CreateAppOptions {
  /** Schema of the environment's actions; validates every step. */
  action: z.ZodType;
  /** Schema of its observations, for `/schema`. @default {ObservationSchema} */
  observation?: z.ZodType;
  /** Schema of its state, for `/schema`. @default {StateSchema} */
  state?: z.ZodType;
  /** Name shown in `/metadata`, OpenAPI and logs. @default {the environment's class name} */
  name?: string;
  /** README (Markdown) served in `/metadata`. */
  readme?: string;
  /**
   * Extra reset options (beyond `seed` and `episode_id`) that reach the
   * environment: a zod object (its keys are kept and validated), `"all"` or
   * `"none"`. Unknown keys are dropped. @default {"none"}
   */
  resetOptions?: OptionFilter;
  /** Extra HTTP step options that reach the environment, like `resetOptions`. @default {"none"} */
  stepOptions?: OptionFilter;
  /** Most sessions alive at once. @default {`$MAX_CONCURRENT_ENVS`, else 64} */
  maxConcurrentEnvs?: number;
  /** End sessions idle for longer than this (seconds); `null` keeps them. @default {null} */
  sessionTimeoutS?: number | null;
  /** Idle limit for opt-in HTTP sessions (seconds). @default {300} */
  httpSessionTimeoutS?: number;
  /**
   * Longest wait for an environment's `close()` (seconds) when a session or
   * request ends; past it the failure is reported and the server moves on,
   * so a stuck environment cannot hold up a response or a shutdown. @default {10}
   */
  closeTimeoutS?: number;
  /**
   * Longest wait for the environment factory (seconds); past it the client
   * gets `FACTORY_ERROR` and the slot is freed. `null` waits forever, as the
   * reference does. @default {null}
   */
  factoryTimeoutS?: number | null;
  /** Fail a reset or step that takes longer than this (seconds) and end its session. @default {null} */
  stepTimeoutS?: number | null;
  /** `simulation` or `production`. @default {`$OPENENV_SERVER_MODE`, else "simulation"} */
  mode?: ServerMode;
  /** Serve the web interface under `/web/`. @default {`$ENABLE_WEB_INTERFACE`} */
  webInterface?: boolean;
  /**
   * Bearer-token authentication for every route and WebSocket, and origin
   * checks for browser WebSockets (see {@linkcode SecurityOptions}). Off
   * unless tokens are given here or in `$OPENENV_AUTH_TOKENS`.
   */
  security?: SecurityOptions;
  /**
   * A custom observation view for the web interface: an ES module exporting
   * `render(observation, container, context)` (see {@linkcode WebViewOptions}).
   * @default {the generic field list}
   */
  webView?: WebViewOptions;
  /**
   * Largest WebSocket message or HTTP request body accepted, in bytes. A
   * larger message gets a `VALIDATION_ERROR` and the session lives on; a
   * larger body gets 413 before it is buffered. Deno itself drops a
   * connection whose message exceeds 64 MiB, so values above that act as
   * 64 MiB with a dropped connection instead of an error. @default {16777216}
   */
  maxMessageBytes?: number;
  /** Seconds between keepalive pings on WebSockets; 0 turns them off. @default {20} */
  pingIntervalS?: number;
  /** Called when an environment throws inside an HTTP route. @default {console.error} */
  onError?: (error: unknown, where: string) => void;
}

/** A running environment server: a fetch handler plus its sessions. */
export interface EnvServerApp {
  /** Answers one request; pass it to `Deno.serve` or export it for `deno serve`. */
  fetch(request: Request, info?: unknown): Promise<Response>;
  /** The sessions of this server. */
  readonly sessions: SessionManager;
  /** The server mode in effect. */
  readonly mode: ServerMode;
  /** The OpenAPI document served at `/openapi.json`. */
  readonly openapi: Record<string, unknown>;
  /**
   * The access check `fetch` runs first (token, origin); wrappers that answer
   * some requests themselves (such as `withMcpEndpoint`) run it too.
   */
  readonly guard: AccessGuard;
  /** Ends every session and refuses new ones. */
  close(): Promise<void>;
  /** Same as {@linkcode EnvServerApp.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

function truthy(value: string | undefined): boolean {
  return ["true", "1", "yes"].includes((value ?? "").toLowerCase());
}

/** Accepts a factory function or an environment class. */
function toFactory(env: unknown): EnvironmentFactory {
  if (typeof env !== "function") {
    throw new TypeError(
      `env must be a factory function or an environment class, got ${
        env === null ? "null" : typeof env
      }: pass () => new MyEnvironment()`,
    );
  }
  const source = Function.prototype.toString.call(env);
  if (/^class[\s{]/.test(source)) {
    const Ctor = env as new () => Environment;
    const factory = () => new Ctor();
    Object.defineProperty(factory, "name", { value: Ctor.name });
    return factory;
  }
  return env as EnvironmentFactory;
}

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const notObject = (input: unknown): ErrorDetail => ({
  type: "model_attributes_type",
  loc: ["body"],
  msg: "Input should be a valid dictionary or object to extract fields from",
  input,
});

/**
 * Builds an environment server as a standard fetch handler.
 *
 * Routes: `POST /reset`, `POST /step`, `GET /state` (simulation mode only),
 * `GET /health`, `GET /metadata`, `GET /schema`, `POST /mcp`,
 * `GET /openapi.json`, `GET /docs`, and the WebSockets `/ws` (sessions) and
 * `/mcp` (raw JSON-RPC).
 *
 * @param env A factory `() => new MyEnv()` or the environment class itself.
 * @param options Schemas, limits and mode.
 * @returns The app; its `fetch` runs under `Deno.serve`, `deno serve` or any
 * fetch-based runtime that can upgrade WebSockets the Deno way.
 * @throws {TypeError} When `env` is not a function.
 *
 * @example Serve an environment
 * ```ts ignore
 * import { createApp } from "@openenv/core/server";
 * import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
 *
 * const app = createApp(() => new EchoEnvironment(), {
 *   action: EchoAction,
 *   observation: EchoObservation,
 * });
 * Deno.serve({ port: 8000 }, app.fetch);
 * ```
 */

export function createApp(
  env: EnvironmentFactory | (new () => Environment),
  options: CreateAppOptions,
): EnvServerApp {
  const baseFactory = toFactory(env);
  const mode: ServerMode = options.mode ??
    (readEnvVar("OPENENV_SERVER_MODE")?.toLowerCase() === "production"
      ? "production"
      : "simulation");
  if (mode !== "simulation" && mode !== "production") {
    throw new RangeError(`Invalid mode: '${mode}'. Must be one of: ['simulation', 'production']`);
  }
  const factory = withServerMode(baseFactory, mode);
  const envMax = Number(readEnvVar("MAX_CONCURRENT_ENVS"));
  const maxSessions = options.maxConcurrentEnvs ??
    (Number.isInteger(envMax) && envMax > 0 ? envMax : 64);
  if (!Number.isInteger(maxSessions) || maxSessions < 1) {
    throw new RangeError(`maxConcurrentEnvs must be a positive integer, got ${maxSessions}`);
  }
  const sessions = new SessionManager({
    factory,
    maxSessions,
    sessionTimeoutS: options.sessionTimeoutS ?? null,
    httpSessionTimeoutS: options.httpSessionTimeoutS,
    closeTimeoutS: options.closeTimeoutS,
    factoryTimeoutS: options.factoryTimeoutS,
  });
  const factoryTimeoutMs = options.factoryTimeoutS ? options.factoryTimeoutS * 1000 : null;
  const closeTimeoutMs = (options.closeTimeoutS ?? 10) * 1000;
  const onError = options.onError ??
    ((error: unknown, where: string) => console.error(`openenv: ${where} failed:`, error));
  const createEnv = async (): Promise<Environment> => {
    try {
      return await buildWithin(factory, factoryTimeoutMs, closeTimeoutMs);
    } catch (cause) {
      throw new OpenEnvError(
        "FACTORY_ERROR",
        `Environment factory '${sessions.factoryName}' failed to create instance.`,
        { cause, details: { factory_name: sessions.factoryName } },
      );
    }
  };
  const rt: Runtime = {
    sessions,
    createEnv,
    action: options.action,
    resetFilter: options.resetOptions ?? "none",
    stepFilter: options.stepOptions ?? "none",
    stepTimeoutMs: options.stepTimeoutS ? options.stepTimeoutS * 1000 : null,
    maxFrameBytes: options.maxMessageBytes ?? 16 * 1024 * 1024,
    observationPlan: floatPlanOf(options.observation),
    statePlan: floatPlanOf(options.state),
    sockets: new Set(),
  };
  const schemas = {
    action: jsonSchemaOf(options.action, "input"),
    observation: jsonSchemaOf(options.observation ?? ObservationSchema, "output"),
    state: jsonSchemaOf(options.state ?? StateSchema, "output"),
  };
  const name = options.name ?? (factory.name || "Environment");
  const openapi = buildOpenApi({ name, mode, schemas });
  const openapiText = JSON.stringify(openapi);
  const docsPage = renderDocsPage(openapi);
  const webInterface = options.webInterface ?? truthy(readEnvVar("ENABLE_WEB_INTERFACE"));
  const pingIntervalS = options.pingIntervalS ?? 20;

  // Opt-in HTTP sessions run one request at a time.
  const locks = new WeakMap<Session, Promise<unknown>>();
  const exclusive = <T>(session: Session, op: () => Promise<T>): Promise<T> => {
    const prev = locks.get(session) ?? Promise.resolve();
    const next = prev.then(op, op);
    locks.set(session, next.catch(() => {}));
    return next;
  };

  /** Resolves the opt-in session header: a session, none, or an error response. */
  const httpSession = async (
    c: Context,
    allowNew: boolean,
  ): Promise<{ session?: Session; response?: Response }> => {
    const header = c.req.header(SESSION_HEADER);
    if (header === undefined || header === "") return {};
    if (header.toLowerCase() === "new") {
      if (!allowNew) {
        return {
          response: jsonResponse({
            detail: `Start a session with POST /reset and '${SESSION_HEADER}: new'`,
          }, 400),
        };
      }
      try {
        return { session: await sessions.create("http") };
      } catch (error) {
        const e = error as OpenEnvError;
        const status = e.code === "CAPACITY_REACHED" ? 503 : 500;
        return {
          response: jsonResponse({ detail: e.message, code: e.code, ...e.details }, status),
        };
      }
    }
    const session = sessions.get(header);
    if (!session || session.kind !== "http") {
      return { response: jsonResponse({ detail: `Unknown session: ${header}` }, 404) };
    }
    return { session };
  };

  /** Runs `op` on a session's env, or on a throwaway env closed afterwards. */
  const withEnv = async (
    session: Session | undefined,
    where: string,
    op: (env: Environment) => Promise<Response>,
  ): Promise<Response> => {
    if (session) {
      return await exclusive(session, async () => {
        session.busy++;
        try {
          const response = await op(session.env);
          response.headers.set(SESSION_HEADER, session.id);
          return response;
        } catch (error) {
          onError(error, where);
          if (error instanceof OpenEnvError && error.code === "STEP_TIMEOUT") {
            // The env may still be busy with the timed-out call: end the session, as /ws does.
            void sessions.destroy(session.id);
          }
          return internalError();
        } finally {
          session.busy--;
          session.lastActivityAt = Date.now();
        }
      });
    }
    let instance: Environment | undefined;
    try {
      instance = await createEnv();
      return await op(instance);
    } catch (error) {
      onError(error, where);
      return internalError();
    } finally {
      if (instance) {
        await closeEnvironment(instance, closeTimeoutMs, (e) => onError(e, `${where} close()`));
      }
    }
  };

  const app = new Hono();
  const routes: Record<string, string[]> = {};
  const route = (
    method: "get" | "post" | "delete",
    path: string,
    handler: (c: Context) => Response | Promise<Response>,
  ) => {
    (routes[path] ??= []).push(method.toUpperCase());
    app[method](path, handler);
  };

  if (mode === "simulation") {
    route("post", "/reset", async (c) => {
      const body = await readJsonBody(c.req.raw, rt.maxFrameBytes);
      if (!body.ok) return body.response;
      const value = body.value ?? {};
      if (!isPlainObject(value)) return detail([notObject(value)]);
      const parsed = parseResetOptions(rt, value, ["body"]);
      if (!parsed.ok) return detail(parsed.errors);
      const { session, response } = await httpSession(c, true);
      if (response) return response;
      const result = await withEnv(session, "POST /reset", async (e) => {
        const obs = await withStepTimeout(rt, "reset()", () => resetWithRubric(e, parsed.value));
        return jsonResponse(
          encodeHttpStep(toStepPayload(asObservation(obs, "reset()")), rt.observationPlan),
        );
      });
      // A session just opened whose first reset failed: its id never reached the client.
      if (
        session && result.status !== 200 && c.req.header(SESSION_HEADER)?.toLowerCase() === "new"
      ) {
        await sessions.destroy(session.id);
      }
      return result;
    });

    route("post", "/step", async (c) => {
      const body = await readJsonBody(c.req.raw, rt.maxFrameBytes);
      if (!body.ok) return body.response;
      const value = body.value;
      if (body.empty) {
        return detail([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
      }
      if (!isPlainObject(value)) return detail([notObject(value)]);
      const { action: rawAction, timeout_s, request_id, ...extras } = value;
      const errors: ErrorDetail[] = [];
      if (!("action" in value)) {
        errors.push({
          type: "missing",
          loc: ["body", "action"],
          msg: "Field required",
          input: value,
        });
      } else if (!isPlainObject(rawAction)) {
        errors.push({
          type: "dict_type",
          loc: ["body", "action"],
          msg: "Input should be a valid dictionary",
          input: rawAction,
        });
      }
      let timeoutS: number | undefined;
      if (timeout_s !== undefined && timeout_s !== null) {
        const n = laxFloat(timeout_s);
        if (!n.ok) {
          errors.push({ type: n.type, loc: ["body", "timeout_s"], msg: n.msg, input: timeout_s });
        } else if (!(n.value > 0)) {
          errors.push({
            type: "greater_than",
            loc: ["body", "timeout_s"],
            msg: "Input should be greater than 0",
            input: timeout_s,
            ctx: { gt: 0.0 },
          });
        } else timeoutS = n.value;
      }
      if (request_id !== undefined && request_id !== null) {
        if (typeof request_id !== "string") {
          errors.push({
            type: "string_type",
            loc: ["body", "request_id"],
            msg: "Input should be a valid string",
            input: request_id,
          });
        } else if (request_id.length > 255) {
          errors.push({
            type: "string_too_long",
            loc: ["body", "request_id"],
            msg: "String should have at most 255 characters",
            input: request_id,
            ctx: { max_length: 255 },
          });
        }
      }
      if (errors.length) return detail(errors);
      const action = parseAction(rt, rawAction);
      if (!action.ok) return detail(action.errors);
      const stepOptions = parseStepExtras(rt, extras);
      if (!stepOptions.ok) return detail(stepOptions.errors);
      if (timeoutS !== undefined) stepOptions.value.timeoutS = timeoutS;
      if (typeof request_id === "string") stepOptions.value.requestId = request_id;
      const { session, response } = await httpSession(c, false);
      if (response) return response;
      return await withEnv(session, "POST /step", async (e) => {
        const obs = await withStepTimeout(
          rt,
          "step()",
          () => stepWithRubric(e, action.value, stepOptions.value),
        );
        if (session) session.stepCount++;
        return jsonResponse(
          encodeHttpStep(toStepPayload(asObservation(obs, "step()")), rt.observationPlan),
        );
      });
    });

    route("get", "/state", async (c) => {
      const { session, response } = await httpSession(c, false);
      if (response) return response;
      return await withEnv(
        session,
        "GET /state",
        async (e) => jsonResponse(stringifyWithFloats((await e.state) ?? {}, rt.statePlan)),
      );
    });

    route("delete", "/session", async (c) => {
      const id = c.req.header(SESSION_HEADER) ?? "";
      const session = sessions.get(id);
      if (!session || session.kind !== "http") {
        return jsonResponse({ detail: `Unknown session: ${id}` }, 404);
      }
      await sessions.destroy(id);
      return jsonResponse({ session_id: id, closed: true });
    });
  }

  route("get", "/health", () => jsonResponse('{"status":"healthy"}'));

  const describe = async (e: Environment): Promise<Record<string, unknown>> => {
    const m: EnvironmentMetadata = await e.getMetadata();
    return {
      name: options.name ?? m.name,
      description: m.description,
      readme_content: options.readme ?? m.readmeContent ?? null,
      version: m.version ?? null,
      author: m.author ?? null,
      documentation_url: m.documentationUrl ?? null,
    };
  };
  route(
    "get",
    "/metadata",
    () => withEnv(undefined, "GET /metadata", async (e) => jsonResponse(await describe(e))),
  );

  const schemasText = JSON.stringify(schemas);
  route("get", "/schema", () => jsonResponse(schemasText));

  route("post", "/mcp", async (c) => {
    const read = await readBodyText(c.req.raw, rt.maxFrameBytes);
    if (!read.ok) return read.response;
    const text = read.text;
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      req = undefined;
    }
    // As the reference: anything but a JSON object is a parse error here.
    if (!isPlainObject(req)) {
      return jsonResponse(rpcError(null, JsonRpcErrorCode.PARSE_ERROR, "Parse error"));
    }
    return jsonResponse(
      await handleJsonRpc(req, { sessions, createEnv, closeTimeoutS: options.closeTimeoutS }),
    );
  });

  const upgrade = (c: Context, serveSocket: (socket: WebSocket, rt: Runtime) => void): Response => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return jsonResponse({ detail: "Expected a WebSocket upgrade" }, 426, {
        upgrade: "websocket",
      });
    }
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw, {
      // Deno: 0 disables pings; undefined would mean its default of 30 s.
      idleTimeout: pingIntervalS > 0 ? pingIntervalS : 0,
    });
    serveSocket(socket, rt);
    return response;
  };
  // Registered by hand: GET /mcp is the WebSocket, POST /mcp the JSON-RPC route.
  app.get("/ws", (c) => upgrade(c, serveWsSession));
  routes["/ws"] = ["GET"];
  app.get("/mcp", (c) => upgrade(c, serveMcpSocket));
  routes["/mcp"].push("GET");

  route("get", "/openapi.json", () => jsonResponse(openapiText));
  route(
    "get",
    "/docs",
    () => new Response(docsPage, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  route(
    "get",
    "/redoc",
    () => new Response(docsPage, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );

  let web: WebInterface | undefined;
  if (webInterface) {
    web = mountWebInterface({
      route,
      rt,
      mode,
      metadata: async () => {
        const e = await createEnv();
        try {
          return await describe(e);
        } finally {
          await closeEnvironment(e, closeTimeoutMs, (err) => onError(err, "metadata close()"));
        }
      },
      onError,
      pingIntervalS,
      closeTimeoutMs,
      view: options.webView,
    });
  }

  app.notFound((c) => {
    const allowed = routes[c.req.path];
    if (allowed) {
      return jsonResponse({ detail: "Method Not Allowed" }, 405, { allow: allowed.join(", ") });
    }
    return jsonResponse({ detail: "Not Found" }, 404);
  });
  app.onError((error, c) => {
    onError(error, `${c.req.method} ${c.req.path}`);
    return internalError();
  });

  const close = async () => {
    await web?.close();
    await sessions.close();
    // Let clients finish the close handshake (code 1000) before the server stops.
    await drainSockets(rt.sockets);
  };
  const guard = createAccessGuard(options.security);
  return {
    fetch: (request: Request) => {
      const refused = guard(request) ??
        (webInterface ? tokenCookieRedirect(request, options.security) : null);
      return Promise.resolve(refused ?? app.fetch(request));
    },
    sessions,
    mode,
    openapi,
    guard,
    close,
    [Symbol.asyncDispose]: close,
  };
}
