/**
 * Runtime validation of a running server: the six criteria of the official
 * `openenv validate --url`, plus protocol checks it does not make (a `/ws`
 * episode, MCP sessions, HTTP reset, error shapes).
 *
 * @module
 */
import { type Criterion, summarize, type ValidationReport } from "./report.ts";

/** Options of {@linkcode validateRunningServer}. */
export interface RuntimeValidationOptions {
  /** Per-request timeout, in seconds. @default {5} */
  timeoutS?: number;
  /** Run only the official criteria. @default {false} */
  officialOnly?: boolean;
  /** Cancels the validation. */
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;

interface Fetched {
  status: number;
  body: unknown;
  text: string;
  error?: string;
}

/** Normalises a URL the way the reference does: `http://` when no scheme, no trailing `/`. */
export function normalizeUrl(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  return withScheme.replace(/\/+$/, "");
}

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Builds the smallest action a JSON schema accepts (required fields only),
 * used for the `/ws` step check.
 */
export function sampleFromSchema(schema: unknown, defs: Record<string, unknown> = {}): unknown {
  if (!isObject(schema)) return null;
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop()!;
    return sampleFromSchema(defs[name], defs);
  }
  const localDefs = isObject(schema.$defs) ? { ...defs, ...schema.$defs } : defs;
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const first = options.find((o) => !(isObject(o) && o.type === "null")) ?? options[0];
      return sampleFromSchema(first, localDefs);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return typeof schema.minLength === "number" ? "a".repeat(schema.minLength) : "";
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "null":
      return null;
    case "object":
    default: {
      const out: Json = {};
      const props = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required as string[] : [];
      for (const key of required) out[key] = sampleFromSchema(props[key], localDefs);
      return out;
    }
  }
}

/**
 * Checks a running server and returns the report.
 *
 * @example
 * ```ts ignore
 * import { validateRunningServer } from "@openenv/cli/lib";
 *
 * const report = await validateRunningServer("http://127.0.0.1:8000");
 * console.log(report.passed, report.summary.failed_criteria);
 * ```
 */
export async function validateRunningServer(
  url: string,
  options: RuntimeValidationOptions = {},
): Promise<ValidationReport> {
  const base = normalizeUrl(url);
  const timeoutMs = (options.timeoutS ?? 5) * 1000;
  const get = (path: string, init: RequestInit = {}): Promise<Fetched> =>
    request(base + path, init, timeoutMs, options.signal);
  const post = (path: string, body: unknown): Promise<Fetched> =>
    get(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const criteria: Criterion[] = [];
  const add = (c: Criterion) => criteria.push(c);

  // 1. OpenAPI document and its version.
  const openapi = await get("/openapi.json");
  const info = isObject(openapi.body) && isObject(openapi.body.info) ? openapi.body.info : {};
  const version = typeof info.version === "string" ? info.version : undefined;
  add({
    id: "openapi_version_available",
    description: "GET /openapi.json returns an OpenAPI document with info.version",
    required: true,
    passed: openapi.status === 200 && version !== undefined,
    details: describe(openapi, "info.version is missing"),
    expected: "200 with a string info.version",
    actual: { status: openapi.status, version: version ?? null },
  });

  // 2. Health.
  const health = await get("/health");
  add({
    id: "health_endpoint",
    description: 'GET /health returns {"status": "healthy"}',
    required: true,
    passed: health.status === 200 && isObject(health.body) && health.body.status === "healthy",
    details: describe(health, 'status is not "healthy"'),
    expected: { status: "healthy" },
    actual: health.body ?? health.text,
  });

  // 3. Metadata.
  const metadata = await get("/metadata");
  const meta = isObject(metadata.body) ? metadata.body : {};
  add({
    id: "metadata_endpoint",
    description: "GET /metadata returns a string name and description",
    required: true,
    passed: metadata.status === 200 && typeof meta.name === "string" &&
      typeof meta.description === "string",
    details: describe(metadata, "name or description is not a string"),
    actual: metadata.body ?? metadata.text,
  });

  // 4. Schemas.
  const schema = await get("/schema");
  const schemas = isObject(schema.body) ? schema.body : {};
  add({
    id: "schema_endpoint",
    description: "GET /schema returns action, observation and state schemas",
    required: true,
    passed: schema.status === 200 && isObject(schemas.action) && isObject(schemas.observation) &&
      isObject(schemas.state),
    details: describe(schema, "action, observation or state is not an object"),
  });

  // 5. MCP endpoint.
  const mcp = await post("/mcp", {});
  add({
    id: "mcp_endpoint",
    description: 'POST /mcp answers JSON-RPC ("jsonrpc": "2.0")',
    required: true,
    passed: mcp.status === 200 && isObject(mcp.body) && mcp.body.jsonrpc === "2.0",
    details: describe(mcp, "the reply is not a JSON-RPC 2.0 envelope"),
    actual: mcp.body ?? mcp.text,
  });

  // 6. Mode consistency of the OpenAPI paths.
  const paths = isObject(openapi.body) && isObject(openapi.body.paths) ? openapi.body.paths : {};
  const has = (p: string) => p in paths;
  const mode = has("/reset") ? "simulation" : "production";
  const consistent = mode === "simulation"
    ? has("/step") && has("/state")
    : !has("/step") && !has("/state");
  add({
    id: "mode_endpoint_consistency",
    description: "OpenAPI paths match one server mode (reset/step/state all present or all absent)",
    required: true,
    passed: openapi.status === 200 && consistent,
    details: `mode ${mode}; /reset ${has("/reset")}, /step ${has("/step")}, /state ${
      has("/state")
    }`,
    expected: mode === "simulation" ? ["/reset", "/step", "/state"] : [],
    actual: ["/reset", "/step", "/state"].filter(has),
  });

  if (!options.officialOnly) {
    await extraChecks({ base, get, post, add, mode, schemas, timeoutMs });
  }

  const { passed, summary } = summarize(criteria);
  return {
    target: base,
    validation_type: "running_environment",
    standard_version: version ?? "unknown",
    standard_profile: version?.startsWith("1.") ? "openenv-http/1.x" : "openenv-http/unknown",
    mode,
    passed,
    summary,
    criteria,
  };
}

interface ExtraContext {
  base: string;
  get: (path: string, init?: RequestInit) => Promise<Fetched>;
  post: (path: string, body: unknown) => Promise<Fetched>;
  add: (c: Criterion) => void;
  mode: string;
  schemas: Json;
  timeoutMs: number;
}

async function extraChecks(ctx: ExtraContext): Promise<void> {
  const { get, post, add, mode, schemas } = ctx;
  const action = sampleFromSchema(schemas.action);

  // A whole episode over /ws.
  const ws = await wsEpisode(ctx.base.replace(/^http/, "ws") + "/ws", action, ctx.timeoutMs);
  add({
    id: "ws_session",
    description: "WS /ws runs reset, state and close in one session",
    required: true,
    passed: ws.reset && ws.state && ws.closed,
    details: ws.error ?? `reset ${ws.reset}, state ${ws.state}, close ${ws.closed}`,
  });
  add({
    id: "ws_step",
    description: "WS /ws answers a step built from the action schema with an observation",
    required: false,
    passed: ws.step,
    details: ws.stepDetails,
    actual: { action },
  });

  // MCP session lifecycle.
  const created = await post("/mcp", { jsonrpc: "2.0", id: 1, method: "openenv/session/create" });
  const result = isObject(created.body) && isObject(created.body.result) ? created.body.result : {};
  const sessionId = typeof result.session_id === "string" ? result.session_id : undefined;
  let closedOk = false;
  if (sessionId) {
    const closed = await post("/mcp", {
      jsonrpc: "2.0",
      id: 2,
      method: "openenv/session/close",
      params: { session_id: sessionId },
    });
    const r = isObject(closed.body) && isObject(closed.body.result) ? closed.body.result : {};
    closedOk = r.closed === true && r.session_id === sessionId;
  }
  add({
    id: "mcp_session_lifecycle",
    description: "POST /mcp openenv/session/create then openenv/session/close",
    required: true,
    passed: sessionId !== undefined && closedOk,
    details: sessionId
      ? `session ${sessionId} closed: ${closedOk}`
      : describe(created, "no session_id"),
  });

  // JSON-RPC error codes.
  const unknown = await post("/mcp", {
    jsonrpc: "2.0",
    id: 3,
    method: "openenv/validate/no_such_method",
  });
  const parse = await post("/mcp", "{not json");
  const code = (f: Fetched) =>
    isObject(f.body) && isObject(f.body.error) ? f.body.error.code : undefined;
  add({
    id: "mcp_error_codes",
    description: "POST /mcp answers an unknown method with -32601 and bad JSON with -32700",
    required: true,
    passed: code(unknown) === -32601 && code(parse) === -32700 && unknown.status === 200 &&
      parse.status === 200,
    actual: { unknown_method: code(unknown) ?? unknown.text, bad_json: code(parse) ?? parse.text },
  });

  // Error shapes of the router.
  const missing = await get("/openenv-validate-no-such-route");
  add({
    id: "not_found_shape",
    description: 'An unknown path gives 404 {"detail": "Not Found"}',
    required: true,
    passed: missing.status === 404 && isObject(missing.body) && missing.body.detail === "Not Found",
    actual: { status: missing.status, body: missing.body ?? missing.text },
  });
  const wrong = await get("/health", { method: "POST" });
  add({
    id: "method_not_allowed_shape",
    description: 'A wrong method (POST /health) gives 405 {"detail": "Method Not Allowed"}',
    required: true,
    passed: wrong.status === 405 && isObject(wrong.body) &&
      wrong.body.detail === "Method Not Allowed",
    actual: { status: wrong.status, body: wrong.body ?? wrong.text },
  });

  if (mode === "simulation") {
    const reset = await post("/reset", {});
    const body = isObject(reset.body) ? reset.body : {};
    add({
      id: "http_reset",
      description: "POST /reset returns observation, reward and done",
      required: true,
      passed: reset.status === 200 && isObject(body.observation) && "reward" in body &&
        typeof body.done === "boolean",
      details: describe(reset, "observation, reward or done is missing"),
    });
    const invalid = await post("/step", { action: "not an object" });
    add({
      id: "http_validation_error",
      description: "POST /step with a malformed action gives 422 with a detail list",
      required: true,
      passed: invalid.status === 422 && isObject(invalid.body) &&
        Array.isArray(invalid.body.detail),
      actual: { status: invalid.status },
    });
  }
}

interface WsOutcome {
  reset: boolean;
  step: boolean;
  state: boolean;
  closed: boolean;
  stepDetails?: string;
  error?: string;
}

async function wsEpisode(url: string, action: unknown, timeoutMs: number): Promise<WsOutcome> {
  const outcome: WsOutcome = { reset: false, step: false, state: false, closed: false };
  let socket: WebSocket;
  try {
    socket = new WebSocket(url);
  } catch (error) {
    return { ...outcome, error: `cannot open ${url}: ${(error as Error).message}` };
  }
  const inbox: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  let closeCode: number | undefined;
  const closed = new Promise<number>((resolve) => {
    socket.onclose = (e) => {
      closeCode = e.code;
      resolve(e.code);
      for (const w of waiters.splice(0)) w(undefined);
    };
  });
  socket.onmessage = (e) => {
    let value: unknown;
    try {
      value = JSON.parse(String(e.data));
    } catch {
      value = { type: "unparsable", data: String(e.data) };
    }
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else inbox.push(value);
  };
  const next = (): Promise<unknown> => {
    if (inbox.length > 0) return Promise.resolve(inbox.shift());
    if (closeCode !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      waiters.push((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  };
  try {
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(true);
      };
      socket.onerror = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    if (!opened) return { ...outcome, error: `cannot open ${url}` };
    socket.send(JSON.stringify({ type: "reset", data: {} }));
    const reset = await next();
    outcome.reset = isObject(reset) && reset.type === "observation" && isObject(reset.data) &&
      isObject(reset.data.observation) && typeof reset.data.done === "boolean";
    if (!outcome.reset) outcome.error = `reset reply: ${JSON.stringify(reset) ?? "none"}`;

    socket.send(JSON.stringify({ type: "step", data: action }));
    const step = await next();
    outcome.step = isObject(step) && step.type === "observation" && isObject(step.data) &&
      isObject(step.data.observation);
    outcome.stepDetails = `step reply: ${JSON.stringify(step)?.slice(0, 200) ?? "none"}`;

    socket.send(JSON.stringify({ type: "state" }));
    const state = await next();
    outcome.state = isObject(state) && state.type === "state" && isObject(state.data);
    if (!outcome.state && !outcome.error) outcome.error = `state reply: ${JSON.stringify(state)}`;

    socket.send(JSON.stringify({ type: "close" }));
    const code = await Promise.race([
      closed,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs)),
    ]);
    outcome.closed = code === 1000;
    if (!outcome.closed && !outcome.error) outcome.error = `close code ${code ?? "none (timeout)"}`;
    return outcome;
  } finally {
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close();
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
  }
}

async function request(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Fetched> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.any(signals) });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text };
  } catch (error) {
    const message = (error as Error).name === "TimeoutError"
      ? `no answer within ${timeoutMs / 1000}s`
      : (error as Error).message;
    return { status: 0, body: undefined, text: "", error: message };
  }
}

function describe(f: Fetched, problem: string): string {
  if (f.error) return `request failed: ${f.error}`;
  if (f.status !== 200) return `HTTP ${f.status}: ${f.text.slice(0, 120)}`;
  return problem;
}
