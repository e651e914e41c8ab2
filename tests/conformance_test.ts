// Protocol conformance: every [wire] line of spec §7 (openenv-protocol.md) that
// applies to the core, on a real Deno.serve. Where we deliberately differ from
// the reference (docs/COMPATIBILITY.md), the test asserts our documented
// behaviour and says so in its name.
import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { openRawSocket, type RawSocket, startTestServer } from "../testing/mod.ts";
import { calculatorApp, CalculatorEnv, post, readJson, scriptedApp } from "./_fixtures.ts";

type Frame = { type: string; data: Record<string, unknown> };
type Rpc = {
  jsonrpc: string;
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data: unknown };
};

const frame = async (ws: RawSocket, message: unknown): Promise<Frame> =>
  (await ws.request(message)) as Frame;

/** Sends a frame and expects an error frame with this code; returns its data. */
async function wsError(ws: RawSocket, message: unknown, code: string) {
  const reply = await frame(ws, message);
  assert.equal(reply.type, "error", `expected an error for ${JSON.stringify(message)}`);
  assert.equal(reply.data.code, code, JSON.stringify(reply));
  return reply.data;
}

/** Proves the session is alive and still holds its episode. */
async function assertAlive(ws: RawSocket, episodeId?: string) {
  const state = await frame(ws, { type: "state" });
  assert.equal(state.type, "state");
  if (episodeId !== undefined) assert.equal(state.data.episode_id, episodeId);
}

// ---------------------------------------------------------------- HTTP routes

Deno.test('HTTP: /health answers 200 {"status":"healthy"} as compact JSON', async () => {
  await using server = startTestServer(createEchoApp());
  const res = await readJson(await fetch(`${server.url}/health`));
  assert.equal(res.status, 200);
  assert.equal(res.type, "application/json");
  assert.equal(res.text, '{"status":"healthy"}');
});

Deno.test("HTTP simulation: /reset, /step, /state answer 200 and are stateless", async () => {
  await using server = startTestServer(createEchoApp());
  const reset = await readJson(await post(server.url, "/reset", {}));
  assert.equal(reset.status, 200);
  assert.match(reset.text, /^\{"observation":\{.*\},"reward":0\.0,"done":false\}$/);
  assert.equal(
    typeof (reset.body as { observation: Record<string, unknown> }).observation.echoed_message,
    "string",
  );
  const step = await readJson(await post(server.url, "/step", { action: { message: "hello" } }));
  assert.equal(step.status, 200);
  const body = step.body as { observation: Record<string, unknown>; reward: number };
  assert.equal(body.observation.echoed_message, "hello");
  assert.deepEqual(Object.keys(step.body as object), ["observation", "reward", "done"]);
  // A fresh env per request: /state is always the initial state.
  for (let i = 0; i < 2; i++) {
    const state = await readJson(await fetch(`${server.url}/state`));
    assert.equal(state.status, 200);
    assert.equal((state.body as { step_count: number }).step_count, 0);
    assert.equal(typeof (state.body as { episode_id: string }).episode_id, "string");
  }
});

Deno.test("HTTP: /reset accepts seed and episode_id, and no body, an empty body or null", async () => {
  await using server = startTestServer(createEchoApp());
  for (const body of [{ seed: 42, episode_id: "custom_episode" }, undefined, "", "null", "{}"]) {
    const res = await post(server.url, "/reset", body);
    assert.equal(res.status, 200, `body ${JSON.stringify(body)}`);
    await res.body?.cancel();
  }
});

Deno.test("HTTP: the full workflow reset, step, step, state all answer 200", async () => {
  await using server = startTestServer(createEchoApp());
  assert.equal((await readJson(await post(server.url, "/reset", {}))).status, 200);
  for (const message of ["one", "two"]) {
    const step = await readJson(await post(server.url, "/step", { action: { message } }));
    assert.equal(
      (step.body as { observation: { echoed_message: string } }).observation.echoed_message,
      message,
    );
  }
  assert.equal((await readJson(await fetch(`${server.url}/state`))).status, 200);
});

Deno.test("HTTP production mode: /reset, /step, /state are 404; the rest and /ws still work", async () => {
  await using server = startTestServer(scriptedApp({ mode: "production" }));
  for (const [method, path] of [["POST", "/reset"], ["POST", "/step"], ["GET", "/state"]]) {
    const res = await readJson(
      await fetch(`${server.url}${path}`, { method, body: method === "POST" ? "{}" : undefined }),
    );
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.deepEqual(res.body, { detail: "Not Found" });
  }
  assert.equal((await readJson(await fetch(`${server.url}/health`))).text, '{"status":"healthy"}');
  const schema = await readJson(await fetch(`${server.url}/schema`));
  assert.equal(schema.status, 200);
  assert.deepEqual(Object.keys(schema.body as object), ["action", "observation", "state"]);
  assert.equal((await readJson(await fetch(`${server.url}/metadata`))).status, 200);
  // /ws keeps reset and step in production.
  await using ws = await openRawSocket(server.wsUrl);
  assert.equal((await frame(ws, { type: "reset", data: {} })).type, "observation");
  assert.equal((await frame(ws, { type: "step", data: { command: "echo" } })).type, "observation");
});

Deno.test("HTTP: /openapi.json lists paths by mode, info.version is the string 1.0.0", async () => {
  const expected = {
    simulation: ["/reset", "/step", "/state", "/metadata", "/health", "/schema", "/mcp"],
    production: ["/metadata", "/health", "/schema", "/mcp"],
  };
  for (const mode of ["simulation", "production"] as const) {
    await using server = startTestServer(scriptedApp({ mode }));
    const res = await readJson(await fetch(`${server.url}/openapi.json`));
    assert.equal(res.status, 200);
    const doc = res.body as {
      paths: Record<string, Record<string, unknown>>;
      info: { version: unknown };
    };
    assert.deepEqual(Object.keys(doc.paths), expected[mode]);
    assert.equal(doc.info.version, "1.0.0");
    if (mode === "simulation") {
      assert.ok(doc.paths["/reset"].post && doc.paths["/step"].post && doc.paths["/state"].get);
    }
    assert.ok(doc.paths["/mcp"].post);
    // WebSocket routes never appear in OpenAPI.
    assert.equal("/ws" in doc.paths, false);
  }
});

Deno.test("HTTP: unknown path 404 and wrong method 405 with FastAPI's detail bodies", async () => {
  await using server = startTestServer(createEchoApp());
  const missing = await readJson(await fetch(`${server.url}/nope`));
  assert.equal(missing.status, 404);
  assert.equal(missing.text, '{"detail":"Not Found"}');
  for (
    const [method, path] of [["GET", "/reset"], ["POST", "/health"], ["PUT", "/step"], [
      "DELETE",
      "/metadata",
    ]]
  ) {
    const res = await readJson(await fetch(`${server.url}${path}`, { method }));
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.text, '{"detail":"Method Not Allowed"}');
  }
});

Deno.test("HTTP: /metadata has all six keys in the reference's order, nulls included", async () => {
  await using server = startTestServer(scriptedApp());
  const res = await readJson(await fetch(`${server.url}/metadata`));
  assert.equal(
    res.text,
    '{"name":"ScriptedEnv","description":"ScriptedEnv environment","readme_content":null,"version":"1.0.0","author":null,"documentation_url":null}',
  );
});

Deno.test("HTTP: /schema gives the action, observation and state schemas as objects", async () => {
  for (const app of [createEchoApp(), scriptedApp()]) {
    await using server = startTestServer(app);
    const { body } = await readJson(await fetch(`${server.url}/schema`));
    const schemas = body as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(schemas), ["action", "observation", "state"]);
    for (const key of ["action", "observation", "state"]) {
      assert.equal(typeof schemas[key], "object");
      assert.equal(Array.isArray(schemas[key]), false);
    }
  }
  await using server = startTestServer(scriptedApp());
  const { body } = await readJson(await fetch(`${server.url}/schema`));
  const schemas = body as Record<string, { type: string; properties: Record<string, unknown> }>;
  assert.ok("command" in schemas.action.properties);
  assert.ok("score" in schemas.observation.properties);
  assert.ok("temperature" in schemas.state.properties, "the env's own state schema (ours)");
});

Deno.test("HTTP 422: /reset seed, episode_id, non-object and invalid JSON bodies", async () => {
  await using server = startTestServer(createEchoApp());
  const cases: [unknown, unknown][] = [
    [{ seed: -1 }, [{
      type: "greater_than_equal",
      loc: ["body", "seed"],
      msg: "Input should be greater than or equal to 0",
      input: -1,
      ctx: { ge: 0 },
    }]],
    [{ episode_id: "x".repeat(256) }, [{
      type: "string_too_long",
      loc: ["body", "episode_id"],
      msg: "String should have at most 255 characters",
      input: "x".repeat(256),
      ctx: { max_length: 255 },
    }]],
    ["[1]", [{
      type: "model_attributes_type",
      loc: ["body"],
      msg: "Input should be a valid dictionary or object to extract fields from",
      input: [1],
    }]],
  ];
  for (const [body, detail] of cases) {
    const res = await readJson(await post(server.url, "/reset", body));
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { detail });
  }
  // Invalid JSON: same shape; the ctx.error text is JavaScript's (docs/COMPATIBILITY.md).
  const bad = await readJson(await post(server.url, "/reset", "notjson"));
  assert.equal(bad.status, 422);
  const [entry] = (bad.body as { detail: Record<string, unknown>[] }).detail;
  assert.deepEqual({ ...entry, ctx: undefined }, {
    type: "json_invalid",
    loc: ["body", 0],
    msg: "JSON decode error",
    input: {},
    ctx: undefined,
  });
  assert.equal(typeof (entry.ctx as { error: string }).error, "string");
});

Deno.test("HTTP 422: /step request-level errors have loc under body, action errors are relative (no url: ours)", async () => {
  await using server = startTestServer(createEchoApp());
  const missing = await readJson(await post(server.url, "/step", {}));
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.body, {
    detail: [{ type: "missing", loc: ["body", "action"], msg: "Field required", input: {} }],
  });
  const empty = await readJson(await post(server.url, "/step"));
  assert.deepEqual(empty.body, {
    detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }],
  });
  const timeout = await readJson(
    await post(server.url, "/step", { action: { message: "x" }, timeout_s: 0 }),
  );
  assert.deepEqual(timeout.body, {
    detail: [{
      type: "greater_than",
      loc: ["body", "timeout_s"],
      msg: "Input should be greater than 0",
      input: 0,
      ctx: { gt: 0 },
    }],
  });
  const action = await readJson(await post(server.url, "/step", { action: { bogus: 1 } }));
  assert.equal(action.status, 422);
  assert.deepEqual(action.body, {
    detail: [
      { type: "missing", loc: ["message"], msg: "Field required", input: { bogus: 1 } },
      { type: "extra_forbidden", loc: ["bogus"], msg: "Extra inputs are not permitted", input: 1 },
    ],
  });
});

Deno.test("HTTP: an environment that throws gives FastAPI's plain-text 500", async () => {
  await using server = startTestServer(scriptedApp());
  const res = await readJson(await post(server.url, "/step", { action: { command: "throw" } }));
  assert.equal(res.status, 500);
  assert.equal(res.type, "text/plain; charset=utf-8");
  assert.equal(res.text, "Internal Server Error");
});

Deno.test("HTTP: rewards are spelled as floats (1 -> 1.0, true -> 1.0, 1e20 -> 1e+20, NaN -> null)", async () => {
  await using server = startTestServer(scriptedApp());
  const cases: [unknown, string][] = [[1, "1.0"], [true, "1.0"], [false, "0.0"], [1e20, "1e+20"], [
    0.25,
    "0.25",
  ], [null, "null"]];
  for (const [reward, spelled] of cases) {
    const res = await readJson(
      await post(server.url, "/step", { action: { command: "reward", reward } }),
    );
    assert.match(
      res.text,
      new RegExp(`"reward":${spelled.replace(/[.+]/g, "\\$&")},"done"`),
      `reward ${reward}`,
    );
  }
});

Deno.test("HTTP and /ws: observation float fields are spelled as floats, ints stay ints", async () => {
  await using server = startTestServer(scriptedApp());
  const res = await readJson(
    await post(server.url, "/step", { action: { command: "echo", text: "é" } }),
  );
  assert.equal(
    res.text,
    '{"observation":{"text":"é","score":1.0,"count":1},"reward":0.5,"done":false}',
  );
  const state = await readJson(await fetch(`${server.url}/state`));
  assert.equal(
    state.text,
    '{"episode_id":null,"step_count":0,"label":"scripted","temperature":20.0}',
  );
  const socket = new WebSocket(server.wsUrl);
  const texts: string[] = [];
  const done = new Promise<void>((resolve) => {
    socket.onmessage = (e) => {
      texts.push(e.data);
      if (texts.length === 2) resolve();
    };
  });
  await new Promise((r) => (socket.onopen = r));
  socket.send('{"type":"step","data":{"command":"echo","text":"ünï"}}');
  socket.send('{"type":"state"}');
  await done;
  assert.equal(
    texts[0],
    '{"type":"observation","data":{"observation":{"text":"ünï","score":1.0,"count":1},"reward":0.5,"done":false}}',
  );
  assert.equal(
    texts[1],
    '{"type":"state","data":{"episode_id":null,"step_count":1,"label":"scripted","temperature":20.0}}',
  );
  socket.close();
  await new Promise((r) => (socket.onclose = r));
});

Deno.test("HTTP and /ws: non-empty observation metadata is delivered (ours: the reference drops it)", async () => {
  await using server = startTestServer(scriptedApp());
  const res = await readJson(
    await post(server.url, "/step", { action: { command: "metadata", text: "m" } }),
  );
  assert.deepEqual((res.body as { observation: Record<string, unknown> }).observation.metadata, {
    note: "m",
  });
  await using ws = await openRawSocket(server.wsUrl);
  const reply = await frame(ws, { type: "step", data: { command: "metadata", text: "w" } });
  assert.deepEqual((reply.data.observation as Record<string, unknown>).metadata, { note: "w" });
  // Empty metadata is omitted, as the reference does.
  const plain = await frame(ws, { type: "step", data: { command: "echo" } });
  assert.equal("metadata" in (plain.data.observation as object), false);
});

// --------------------------------------------------- reset/step option filtering

Deno.test("options: unknown reset keys are dropped by default; seed and episode_id always arrive", async () => {
  const { instances } = await import("./_fixtures.ts");
  await using server = startTestServer(scriptedApp());
  const start = instances.length;
  await (await post(server.url, "/reset", { seed: 7, episode_id: "e1", foo: 1 })).body?.cancel();
  assert.deepEqual(instances[start].lastResetOptions, { seed: 7, episodeId: "e1" });
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { seed: "3", bar: 2 } });
  assert.deepEqual(instances.at(-1)!.lastResetOptions, { seed: 3 });
});

Deno.test("options: declared reset/step options are validated and kept; 'all' passes everything", async () => {
  const { instances } = await import("./_fixtures.ts");
  const { z } = await import("zod");
  await using server = startTestServer(scriptedApp({
    resetOptions: z.object({ difficulty: z.enum(["easy", "hard"]) }),
    stepOptions: "all",
  }));
  const start = instances.length;
  await (await post(server.url, "/reset", { difficulty: "hard", other: 1 })).body?.cancel();
  assert.deepEqual(instances[start].lastResetOptions, { difficulty: "hard" });
  const bad = await readJson(await post(server.url, "/reset", { difficulty: "extreme" }));
  assert.equal(bad.status, 422);
  assert.deepEqual((bad.body as { detail: { loc: unknown[] }[] }).detail[0].loc, [
    "body",
    "difficulty",
  ]);
  await (await post(server.url, "/step", {
    action: { command: "echo" },
    timeout_s: 5,
    request_id: "r1",
    render: true,
  })).body?.cancel();
  const options = instances.at(-1)!.lastStepOptions!;
  assert.deepEqual({ ...options }, { render: true, timeoutS: 5, requestId: "r1" });
});

Deno.test("options: step extras are dropped by default; timeout_s arrives as timeoutS", async () => {
  const { instances } = await import("./_fixtures.ts");
  await using server = startTestServer(scriptedApp());
  await (await post(server.url, "/step", {
    action: { command: "echo" },
    timeout_s: "2.5",
    verbose: false,
  })).body?.cancel();
  assert.deepEqual({ ...instances.at(-1)!.lastStepOptions }, { timeoutS: 2.5 });
});

// ------------------------------------------------------------------------ /ws

Deno.test("/ws: reset, step, state keep one episode; close gets no reply and code 1000", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  const reset = await frame(ws, { type: "reset", data: {} });
  assert.equal(reset.type, "observation");
  assert.deepEqual(Object.keys(reset.data), ["observation", "reward", "done"]);
  await frame(ws, { type: "reset", data: { episode_id: "ep-1" } });
  const step = await frame(ws, { type: "step", data: { message: "websocket_test" } });
  assert.equal((step.data.observation as Record<string, unknown>).echoed_message, "websocket_test");
  const state = await frame(ws, { type: "state" });
  assert.deepEqual(state, { type: "state", data: { episode_id: "ep-1", step_count: 1 } });
  ws.send({ type: "close" });
  assert.equal(await ws.closed, 1000);
});

Deno.test("/ws: frames are compact with type before data, non-ASCII unescaped", async () => {
  await using server = startTestServer(scriptedApp());
  const socket = new WebSocket(server.wsUrl);
  await new Promise((r) => (socket.onopen = r));
  const text = new Promise<string>((r) => (socket.onmessage = (e) => r(e.data)));
  socket.send('{"type": "step", "data": {"command": "echo", "text": "héllo"}}');
  assert.equal(
    await text,
    '{"type":"observation","data":{"observation":{"text":"héllo","score":1.0,"count":1},"reward":0.5,"done":false}}',
  );
  socket.close();
  await new Promise((r) => (socket.onclose = r));
});

Deno.test("/ws: no reset is needed before step, state or mcp", async () => {
  await using server = startTestServer(calculatorApp());
  await using ws = await openRawSocket(server.wsUrl);
  assert.equal((await frame(ws, { type: "state" })).type, "state");
  assert.equal((await frame(ws, { type: "step", data: {} })).type, "observation");
  const mcp = await frame(ws, {
    type: "mcp",
    data: { jsonrpc: "2.0", method: "tools/list", id: 1 },
  });
  assert.equal(mcp.type, "mcp");
});

Deno.test("/ws: rewards are floats, booleans stay booleans (ours: the reference passes ints through)", async () => {
  await using server = startTestServer(scriptedApp());
  const socket = new WebSocket(server.wsUrl);
  await new Promise((r) => (socket.onopen = r));
  const texts: string[] = [];
  const all = new Promise<void>((r) => (socket.onmessage = (e) => {
    texts.push(e.data);
    if (texts.length === 3) r();
  }));
  for (const reward of [1, true, 1e20]) {
    socket.send(JSON.stringify({ type: "step", data: { command: "reward", reward } }));
  }
  await all;
  assert.deepEqual(texts.map((t) => t.match(/"reward":([^,]+),/)![1]), ["1.0", "true", "1e+20"]);
  socket.close();
  await new Promise((r) => (socket.onclose = r));
});

Deno.test("/ws: state returns every state field, including the env's own", async () => {
  await using server = startTestServer(scriptedApp());
  await using ws = await openRawSocket(server.wsUrl);
  const state = await frame(ws, { type: "state" });
  assert.deepEqual(state.data, {
    episode_id: null,
    step_count: 0,
    label: "scripted",
    temperature: 20,
  });
});

Deno.test("/ws INVALID_JSON keeps the session", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { episode_id: "keep" } });
  const data = await wsError(ws, "notjson", "INVALID_JSON");
  assert.match(data.message as string, /^Invalid JSON: /);
  assert.deepEqual(Object.keys(data), ["message", "code"]);
  await assertAlive(ws, "keep");
});

Deno.test("/ws UNKNOWN_TYPE names the type and keeps the session", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { episode_id: "keep" } });
  assert.deepEqual(await wsError(ws, { type: "nope" }, "UNKNOWN_TYPE"), {
    message: "Unknown message type: nope",
    code: "UNKNOWN_TYPE",
  });
  assert.equal((await wsError(ws, {}, "UNKNOWN_TYPE")).message, "Unknown message type: ");
  assert.equal(
    (await wsError(ws, { type: null }, "UNKNOWN_TYPE")).message,
    "Unknown message type: None",
  );
  await assertAlive(ws, "keep");
});

Deno.test("/ws VALIDATION_ERROR: strict message shapes and action errors keep the session", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { episode_id: "keep" } });
  const state = await wsError(ws, { type: "state", data: {} }, "VALIDATION_ERROR");
  assert.equal(state.message, "Invalid message");
  assert.deepEqual(state.errors, [{
    type: "extra_forbidden",
    loc: ["data"],
    msg: "Extra inputs are not permitted",
    input: {},
  }]);
  const step = await wsError(ws, { type: "step" }, "VALIDATION_ERROR");
  assert.deepEqual(step.errors, [{
    type: "missing",
    loc: ["data"],
    msg: "Field required",
    input: { type: "step" },
  }]);
  const action = await wsError(ws, { type: "step", data: { bogus: 1 } }, "VALIDATION_ERROR");
  assert.deepEqual(
    (action.errors as { type: string; loc: unknown[] }[]).map((e) => [e.type, e.loc]),
    [
      ["missing", ["message"]],
      ["extra_forbidden", ["bogus"]],
    ],
  );
  const topLevel = await wsError(ws, { type: "reset", seed: 1 }, "VALIDATION_ERROR");
  assert.deepEqual((topLevel.errors as { loc: unknown[] }[])[0].loc, ["seed"]);
  await wsError(ws, { type: "reset", data: [1] }, "VALIDATION_ERROR");
  await wsError(ws, { type: "mcp" }, "VALIDATION_ERROR");
  // {"type":"close","data":{}} is a validation error and does not close.
  await wsError(ws, { type: "close", data: {} }, "VALIDATION_ERROR");
  await assertAlive(ws, "keep");
});

Deno.test("/ws VALIDATION_ERROR for reset options, as on HTTP (ours: the reference skips this on /ws)", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  const seed = await wsError(ws, { type: "reset", data: { seed: -1 } }, "VALIDATION_ERROR");
  assert.deepEqual((seed.errors as { loc: unknown[] }[])[0].loc, ["data", "seed"]);
  await wsError(ws, { type: "reset", data: { episode_id: "x".repeat(256) } }, "VALIDATION_ERROR");
  await assertAlive(ws);
});

Deno.test("/ws: a non-object JSON frame is VALIDATION_ERROR and keeps the session (ours)", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  for (const text of ["[1,2]", '"str"', "42", "null"]) {
    await wsError(ws, text, "VALIDATION_ERROR");
  }
  await assertAlive(ws);
});

Deno.test("/ws: a binary frame is INVALID_JSON and keeps the session (ours)", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  const data = await wsError(ws, new TextEncoder().encode('{"type":"state"}'), "INVALID_JSON");
  assert.match(data.message as string, /Binary frames are not supported/);
  await assertAlive(ws);
});

Deno.test("/ws EXECUTION_ERROR carries the env's message and keeps the session", async () => {
  await using server = startTestServer(scriptedApp());
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { episode_id: "keep" } });
  assert.deepEqual(
    await wsError(ws, { type: "step", data: { command: "throw", text: "x" } }, "EXECUTION_ERROR"),
    {
      message: "step failed: x",
      code: "EXECUTION_ERROR",
    },
  );
  await assertAlive(ws, "keep");
});

Deno.test("/ws CAPACITY_REACHED arrives after the handshake, then the socket closes with 1000", async () => {
  await using server2 = startTestServer(scriptedApp({ maxConcurrentEnvs: 2 }));
  await using a = await openRawSocket(server2.wsUrl);
  await using b = await openRawSocket(server2.wsUrl);
  await frame(a, { type: "state" });
  await frame(b, { type: "state" });
  await using c = await openRawSocket(server2.wsUrl); // the handshake succeeds
  const reply = await frame(c, { type: "reset", data: {} });
  assert.deepEqual(reply, {
    type: "error",
    data: {
      message: "Server at capacity: 2/2 sessions active. Cannot accept new connections.",
      code: "CAPACITY_REACHED",
      active_sessions: 2,
      max_sessions: 2,
    },
  });
  assert.equal(await c.closed, 1000);
  await assertAlive(a);
});

Deno.test("/ws FACTORY_ERROR names the factory, then the socket closes with 1000", async () => {
  const { createApp } = await import("../server/mod.ts");
  const { ActionSchema } = await import("../mod.ts");
  await using server = startTestServer(createApp(function brokenFactory(): never {
    throw new Error("no GPU");
  }, { action: ActionSchema }));
  await using ws = await openRawSocket(server.wsUrl);
  assert.deepEqual(await ws.next(), {
    type: "error",
    data: {
      message: "Environment factory 'brokenFactory' failed to create instance.",
      code: "FACTORY_ERROR",
      factory_name: "brokenFactory",
    },
  });
  assert.equal(await ws.closed, 1000);
});

Deno.test("/ws SESSION_ERROR when the server shuts down, then close 1000", async () => {
  const app = scriptedApp();
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "state" });
  await app.close();
  assert.deepEqual(await ws.next(), {
    type: "error",
    data: { message: "Server is shutting down", code: "SESSION_ERROR" },
  });
  assert.equal(await ws.closed, 1000);
});

// ------------------------------------------------------------------ /ws mcp

Deno.test("/ws mcp: tools/list, tools/call, errors and session ids", async () => {
  await using server = startTestServer(calculatorApp());
  await using ws = await openRawSocket(server.wsUrl);
  const rpc = async (data: unknown) => {
    const reply = await frame(ws, { type: "mcp", data });
    assert.equal(reply.type, "mcp");
    return reply.data as Rpc;
  };
  const list = await rpc({ jsonrpc: "2.0", method: "tools/list", id: 1 });
  assert.equal(list.jsonrpc, "2.0");
  assert.equal(list.id, 1);
  const tools = list.result!.tools as { name: string; description: string }[];
  assert.ok(tools.map((t) => t.name).includes("greet"));
  for (const t of tools) assert.ok(Object.keys(t).length > 2 && t.description !== undefined);
  const call = await rpc({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "greet", arguments: { name: "Production" } },
    id: "test-id-12345",
  });
  assert.equal(call.id, "test-id-12345");
  assert.ok(JSON.stringify(call.result).includes("Production"));
  assert.equal("error" in call, false);
  const unknownTool = await rpc({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "nope" },
    id: 3,
  });
  assert.ok(
    unknownTool.error && typeof unknownTool.error.code === "number" && unknownTool.error.message,
  );
  assert.equal("result" in unknownTool, false);
  const unknownMethod = await rpc({ jsonrpc: "2.0", method: "nope", id: 4 });
  assert.equal(unknownMethod.error!.code, -32601);
  assert.match(unknownMethod.error!.message, /not found/i);
  const noName = await rpc({ jsonrpc: "2.0", method: "tools/call", params: {}, id: 5 });
  assert.equal(noName.error!.code, -32602);
  assert.match(noName.error!.message, /name/);
  const invalid = await rpc({ method: "tools/list" });
  assert.equal(invalid.error!.code, -32600);
  assert.equal(invalid.id, null);
  // session/create returns this socket's own session id, again and again.
  const first = await rpc({ jsonrpc: "2.0", method: "openenv/session/create", id: 6 });
  const second = await rpc({ jsonrpc: "2.0", method: "openenv/session/create", id: 7 });
  assert.equal(typeof first.result!.session_id, "string");
  assert.equal(first.result!.session_id, second.result!.session_id);
  const self = await rpc({
    jsonrpc: "2.0",
    method: "openenv/session/close",
    params: { session_id: first.result!.session_id },
    id: 8,
  });
  assert.deepEqual(self.error, {
    code: -32600,
    message: "Cannot close active WebSocket-managed session via MCP method",
    data: null,
  });
});

Deno.test("/ws mcp: per-session tool state persists across calls; reset and mcp interleave", async () => {
  await using server = startTestServer(calculatorApp());
  await using ws = await openRawSocket(server.wsUrl);
  const counter = async () => {
    const reply = await frame(ws, {
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: { name: "counter" }, id: 1 },
    });
    return ((reply.data as Rpc).result as { data: string }).data;
  };
  assert.equal(await counter(), "1");
  assert.equal((await frame(ws, { type: "reset", data: {} })).type, "observation");
  assert.equal(await counter(), "2");
  // Tool calls do not go through step(): the env's own step_count is unchanged.
  assert.equal((await frame(ws, { type: "state" })).data.step_count, 0);
});

// ------------------------------------------------------------------ POST /mcp

Deno.test("POST /mcp: tools/list and tools/call answer 200 without step() and without reward", async () => {
  await using server = startTestServer(calculatorApp());
  const before = CalculatorEnv.stepCalls;
  const list = await readJson(
    await post(server.url, "/mcp", { jsonrpc: "2.0", method: "tools/list", id: 1 }),
  );
  assert.equal(list.status, 200);
  assert.ok(list.text.startsWith('{"jsonrpc":"2.0","id":1,"result":'));
  assert.ok(((list.body as Rpc).result!.tools as unknown[]).length > 0);
  const call = await readJson(
    await post(server.url, "/mcp", {
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "add", arguments: { a: 5, b: 3 } },
      id: 2,
    }),
  );
  assert.ok(JSON.stringify((call.body as Rpc).result).includes("8"));
  assert.equal("reward" in (call.body as object), false);
  assert.equal(CalculatorEnv.stepCalls, before, "tools bypass step()");
  const state = await readJson(await fetch(`${server.url}/state`));
  assert.equal((state.body as { step_count: number }).step_count, 0);
});

Deno.test("POST /mcp: errors are JSON-RPC errors with HTTP 200 and data null", async () => {
  await using server = startTestServer(calculatorApp());
  const rpc = async (body: unknown) => {
    const res = await readJson(await post(server.url, "/mcp", body));
    assert.equal(res.status, 200);
    return res.body as Rpc;
  };
  assert.deepEqual(await rpc({ jsonrpc: "2.0", method: "nope", id: 9 }), {
    jsonrpc: "2.0",
    id: 9,
    error: { code: -32601, message: "Method not found: nope", data: null },
  });
  const noVersion = await rpc({ method: "tools/list", id: 1 });
  assert.equal(noVersion.error!.code, -32600);
  for (const body of ["notjson", "", "[1]", '"str"']) {
    assert.deepEqual(await rpc(body), {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error", data: null },
    });
  }
  assert.equal(
    (await rpc({ jsonrpc: "2.0", method: "tools/call", params: {}, id: 1 })).error!.code,
    -32602,
  );
  const nonexistent = await rpc({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "nope" },
    id: 1,
  });
  assert.ok(nonexistent.error || nonexistent.result);
});

Deno.test("POST /mcp: session create, calls with session_id, close, double close, call after close", async () => {
  await using server = startTestServer(calculatorApp());
  const rpc = async (method: string, params?: unknown) =>
    (await readJson(await post(server.url, "/mcp", { jsonrpc: "2.0", method, params, id: 1 })))
      .body as Rpc;
  const sid = (await rpc("openenv/session/create")).result!.session_id as string;
  assert.equal(typeof sid, "string");
  assert.ok(sid.length > 0);
  const add = await rpc("tools/call", { name: "add", arguments: { a: 2, b: 3 }, session_id: sid });
  assert.ok(JSON.stringify(add.result).includes("5"));
  // Per-session tool state persists across HTTP calls in one session.
  const count = async () =>
    ((await rpc("tools/call", { name: "counter", session_id: sid })).result as { data: string })
      .data;
  assert.equal(await count(), "1");
  assert.equal(await count(), "2");
  assert.deepEqual((await rpc("openenv/session/close", { session_id: sid })).result, {
    session_id: sid,
    closed: true,
  });
  assert.equal((await rpc("openenv/session/close", { session_id: sid })).error!.code, -32602);
  assert.equal((await rpc("openenv/session/close", { session_id: "unknown" })).error!.code, -32602);
  const missing = (await rpc("openenv/session/close", {})).error!;
  assert.equal(missing.code, -32602);
  assert.match(missing.message, /session_id/);
  assert.ok(
    (await rpc("tools/call", { name: "add", arguments: { a: 1, b: 1 }, session_id: sid })).error,
  );
});

Deno.test("POST /mcp: HTTP MCP sessions count against capacity", async () => {
  await using server = startTestServer(calculatorApp({ maxConcurrentEnvs: 2 }));
  const create = async () =>
    (await readJson(
      await post(server.url, "/mcp", { jsonrpc: "2.0", method: "openenv/session/create", id: 1 }),
    )).body as Rpc;
  assert.ok((await create()).result);
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "state" });
  assert.deepEqual((await create()).error, {
    code: -32000,
    message: "Server at capacity: 2/2 sessions active. Cannot accept new connections.",
    data: { active_sessions: 2, max_sessions: 2 },
  });
});

Deno.test("POST /mcp: a concurrent session/close during a slow tools/call yields two well-formed replies", async () => {
  const { createApp } = await import("../server/mod.ts");
  const { ActionSchema } = await import("../mod.ts");
  class Slow extends CalculatorEnv {
    override async callTool(name: string, args: Record<string, unknown>): Promise<unknown> {
      await new Promise((r) => setTimeout(r, 50));
      return super.callTool(name, args);
    }
  }
  await using server = startTestServer(createApp(() => new Slow(), { action: ActionSchema }));
  const rpc = async (method: string, params?: unknown) => {
    const res = await readJson(
      await post(server.url, "/mcp", { jsonrpc: "2.0", method, params, id: 1 }),
    );
    assert.equal(res.status, 200);
    return res.body as Rpc;
  };
  const sid = (await rpc("openenv/session/create")).result!.session_id;
  const [call, close] = await Promise.all([
    rpc("tools/call", { name: "add", arguments: { a: 1, b: 2 }, session_id: sid }),
    rpc("openenv/session/close", { session_id: sid }),
  ]);
  for (const reply of [call, close]) {
    assert.equal(reply.jsonrpc, "2.0");
    assert.ok(("result" in reply) !== ("error" in reply));
  }
});

// ------------------------------------------------------------------- WS /mcp

Deno.test("WS /mcp: raw JSON-RPC tools/list and tools/call; parse errors keep the connection", async () => {
  await using server = startTestServer(calculatorApp());
  await using ws = await openRawSocket(`${server.mcpUrl}`);
  const list = await ws.request({ jsonrpc: "2.0", method: "tools/list", id: 1 }) as Rpc;
  assert.ok((list.result!.tools as unknown[]).length > 0);
  const call = await ws.request({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "add", arguments: { a: 1, b: 2 } },
    id: 2,
  }) as Rpc;
  assert.equal((call.result as { data: number }).data, 3);
  const bad = await ws.request("notjson") as Rpc;
  assert.equal(bad.id, null);
  assert.equal(bad.error!.code, -32700);
  assert.match(bad.error!.message, /^Parse error: /);
  const invalid = await ws.request({ jsonrpc: "2.0" }) as Rpc;
  assert.equal(invalid.error!.code, -32600);
  // Ours: a non-object frame is -32600 and the connection stays (docs/COMPATIBILITY.md).
  assert.equal((await ws.request("[1,2]") as Rpc).error!.code, -32600);
  const tool = await ws.request({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "nope" },
    id: 3,
  }) as Rpc;
  assert.deepEqual(tool, {
    jsonrpc: "2.0",
    id: 3,
    error: { code: -32603, message: "Unknown tool: 'nope'", data: null },
  });
  const counter = async () =>
    ((await ws.request({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "counter" },
      id: 4,
    }) as Rpc).result as { data: string }).data;
  assert.equal(await counter(), "1");
  assert.equal(await counter(), "2");
});

Deno.test("WS /mcp: capacity is a -32000 error, then close 1000", async () => {
  await using server = startTestServer(calculatorApp({ maxConcurrentEnvs: 1 }));
  const url = server.mcpUrl;
  await using a = await openRawSocket(url);
  await a.request({ jsonrpc: "2.0", method: "tools/list", id: 1 });
  await using b = await openRawSocket(url);
  const reply = await b.request({ jsonrpc: "2.0", method: "tools/list", id: 1 }) as Rpc;
  assert.deepEqual(reply, {
    jsonrpc: "2.0",
    id: null,
    error: {
      code: -32000,
      message: "Server at capacity: 1/1 sessions active. Cannot accept new connections.",
      data: { active_sessions: 1, max_sessions: 1 },
    },
  });
  assert.equal(await b.closed, 1000);
});

Deno.test("createApp() accepts a class or a factory and rejects an instance with a TypeError", async () => {
  const { createApp } = await import("../server/mod.ts");
  const { ActionSchema } = await import("../mod.ts");
  await using fromClass = createApp(CalculatorEnv, { action: ActionSchema });
  await using fromFactory = createApp(() => new CalculatorEnv(), { action: ActionSchema });
  assert.equal(fromClass.mode, "simulation");
  assert.equal(fromFactory.mode, "simulation");
  assert.throws(
    () => createApp(new CalculatorEnv() as never, { action: ActionSchema }),
    (e: Error) =>
      e instanceof TypeError && /factory function or an environment class/.test(e.message),
  );
  assert.throws(
    () => createApp(CalculatorEnv, { action: ActionSchema, mode: "bogus" as never }),
    /Invalid mode: 'bogus'/,
  );
});

Deno.test("HTTP: /docs and /redoc serve an HTML page built from the OpenAPI document", async () => {
  await using server = startTestServer(scriptedApp());
  for (const path of ["/docs", "/redoc"]) {
    const res = await fetch(`${server.url}${path}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await res.text();
    assert.match(html, /<html/i);
    assert.match(html, /\/reset/);
  }
});

Deno.test("HTTP: plain GET /ws and GET /mcp without an upgrade get 426 (ours: 404/405)", async () => {
  await using server = startTestServer(scriptedApp());
  for (const path of ["/ws", "/mcp"]) {
    const res = await readJson(await fetch(`${server.url}${path}`));
    assert.equal(res.status, 426);
    assert.deepEqual(res.body, { detail: "Expected a WebSocket upgrade" });
  }
});
