// Conformance: every MCP line of spec §7 (test_production_mode_routes,
// test_production_mode_mcp, test_simulation_mode_preserves_api,
// test_mcp_types, test_mcp_integration, test_mode_aware_tools, envs
// test_websockets) against real MCPEnvironments on real sockets.
import assert from "node:assert/strict";
import { z } from "zod";
import type { Observation, State } from "../mod.ts";
import { createApp, type ServerMode } from "../server/mod.ts";
import { openRawSocket, startTestServer } from "../testing/mod.ts";
import {
  defineTool,
  McpAction,
  MCPEnvironment,
  McpObservation,
  withMcpEndpoint,
} from "../mcp/mod.ts";
import { createEchoApp } from "../envs/echo/mod.ts";

let stepCalls = 0;

/** The reference tests' calculator: get_info, calculate, add, greet, a per-session counter. */
class Calculator extends MCPEnvironment {
  #state: State = { episode_id: "calc", step_count: 0 };
  #count = 0;
  constructor() {
    super({
      tools: [
        defineTool({
          name: "get_info",
          description: "Describe the server.",
          input: z.object({}),
          handler: () => ({ name: "calculator", version: "1.0" }),
        }),
        defineTool({
          name: "calculate",
          description: "Apply an operation to two numbers.",
          input: z.object({
            operation: z.enum(["add", "sub", "mul"]),
            a: z.number(),
            b: z.number(),
          }),
          handler: ({ operation, a, b }) =>
            operation === "add" ? a + b : operation === "sub" ? a - b : a * b,
        }),
        defineTool({
          name: "add",
          description: "Add two integers.",
          input: z.object({ a: z.number().int(), b: z.number().int() }),
          handler: ({ a, b }) => a + b,
        }),
        defineTool({
          name: "greet",
          description: "Greet someone.",
          input: z.object({ name: z.string() }),
          handler: ({ name }, { mode }) =>
            `Hello, ${name}! (${mode === "production" ? "Production" : "Simulation"})`,
        }),
        defineTool({
          name: "counter",
          description: "Counts calls in this session.",
          input: z.object({}),
          handler: () => String(++this.#count),
        }),
        defineTool({
          name: "slow",
          description: "Takes a while.",
          input: z.object({ ms: z.number() }),
          handler: ({ ms }, { signal }) =>
            new Promise((resolve) => {
              const t = setTimeout(() => resolve("done"), ms);
              signal.addEventListener("abort", () => {
                clearTimeout(t);
                resolve("aborted");
              });
            }),
        }),
      ],
    });
  }
  reset(): Observation {
    this.#state = { episode_id: "calc", step_count: 0 };
    return { done: false, reward: null, metadata: {} };
  }
  override step(action: McpAction): Observation | Promise<Observation> {
    stepCalls++;
    this.#state.step_count++;
    return super.step(action);
  }
  get state(): State {
    return this.#state;
  }
}

const calculatorApp = (mode: ServerMode) =>
  withMcpEndpoint(
    createApp(() => new Calculator(), { action: McpAction, observation: McpObservation, mode }),
  );

async function rpc(url: string, method: string, params?: unknown, id: unknown = 1) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, ...(params ? { params } : {}), id }),
  });
  assert.equal(res.status, 200);
  return await res.json();
}

// deno-lint-ignore no-explicit-any
type Any = any;

for (const mode of ["production", "simulation"] as const) {
  Deno.test(`[${mode}] POST /mcp: tools/list, tools/call, errors, no reset, no reward, no step()`, async () => {
    const app = calculatorApp(mode);
    await using server = startTestServer(app);
    const before = stepCalls;
    const list = await rpc(server.url, "tools/list", undefined, 42);
    assert.equal(list.jsonrpc, "2.0");
    assert.equal(list.id, 42);
    const names = list.result.tools.map((t: Any) => t.name);
    for (const n of ["get_info", "calculate", "add", "greet"]) assert.ok(names.includes(n));
    for (const t of list.result.tools) {
      assert.equal(typeof t.name, "string");
      assert.equal(typeof t.description, "string");
      assert.ok(Object.keys(t).length > 2);
    }
    const sum = await rpc(server.url, "tools/call", { name: "add", arguments: { a: 5, b: 3 } });
    assert.ok(JSON.stringify(sum.result).includes("8"));
    assert.equal(sum.result.data, 8);
    assert.ok(!("reward" in sum), "an HTTP /mcp response has no reward");
    assert.equal(stepCalls, before, "tools/call over HTTP does not call step()");
    const unknown = await rpc(server.url, "bogus/method", undefined, "abc");
    assert.equal(unknown.error.code, -32601);
    assert.equal(unknown.id, "abc");
    assert.match(unknown.error.message, /not found/i);
    const missing = await rpc(server.url, "tools/call", { arguments: {} });
    assert.equal(missing.error.code, -32602);
    assert.match(missing.error.message, /name/);
    const nope = await rpc(server.url, "tools/call", { name: "nope" });
    assert.ok(("error" in nope) !== ("result" in nope), "result and error are exclusive");
    assert.equal(nope.error.message, "Unknown tool: 'nope'");
    const noVersion = await (await fetch(`${server.url}/mcp`, {
      method: "POST",
      body: JSON.stringify({ method: "tools/list", id: 1 }),
    })).json();
    assert.ok(noVersion.error);
    const notJson = await (await fetch(`${server.url}/mcp`, { method: "POST", body: "{nope" }))
      .json();
    assert.equal(notJson.error.code, -32700);
  });

  Deno.test(`[${mode}] HTTP MCP sessions: create, call, per-session tool state, close, double close`, async () => {
    const app = calculatorApp(mode);
    await using server = startTestServer(app);
    const created = await rpc(server.url, "openenv/session/create");
    const sid = created.result.session_id;
    assert.equal(typeof sid, "string");
    assert.ok(sid.length > 0);
    const five = await rpc(server.url, "tools/call", {
      name: "add",
      arguments: { a: 2, b: 3 },
      session_id: sid,
    });
    assert.ok(JSON.stringify(five.result).includes("5"));
    // Tool state lives in the session's env ("1" then "2"), not across sessionless calls.
    const c1 = await rpc(server.url, "tools/call", { name: "counter", session_id: sid });
    const c2 = await rpc(server.url, "tools/call", { name: "counter", session_id: sid });
    assert.deepEqual([c1.result.data, c2.result.data], ["1", "2"]);
    const loose = await rpc(server.url, "tools/call", { name: "counter" });
    assert.equal(loose.result.data, "1");
    // State is untouched by tool calls.
    assert.equal((app.sessions.get(sid)!.env.state as State).step_count, 0);
    // A concurrent close during a slow call: two well-formed replies.
    const [slow, closed] = await Promise.all([
      rpc(server.url, "tools/call", { name: "slow", arguments: { ms: 200 }, session_id: sid }, 9),
      new Promise((r) => setTimeout(r, 20)).then(() =>
        rpc(server.url, "openenv/session/close", { session_id: sid }, 10)
      ),
    ]);
    assert.ok("result" in slow || "error" in slow);
    assert.deepEqual(closed.result, { session_id: sid, closed: true });
    const again = await rpc(server.url, "openenv/session/close", { session_id: sid });
    assert.equal(again.error.code, -32602);
    const after = await rpc(server.url, "tools/call", {
      name: "add",
      arguments: { a: 1, b: 1 },
      session_id: sid,
    });
    assert.ok(after.error);
    const noId = await rpc(server.url, "openenv/session/close", {});
    assert.equal(noId.error.code, -32602);
    assert.match(noId.error.message, /session_id/);
    const unknown = await rpc(server.url, "openenv/session/close", { session_id: "nope" });
    assert.equal(unknown.error.code, -32602);
  });

  Deno.test(`[${mode}] /ws mcp messages: list, call, errors, string ids, no reset, interleaved with reset`, async () => {
    await using server = startTestServer(calculatorApp(mode));
    await using ws = await openRawSocket(server.wsUrl);
    const list = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/list", id: "test-id-12345" },
    }) as Any;
    assert.equal(list.type, "mcp");
    assert.equal(list.data.jsonrpc, "2.0");
    assert.equal(list.data.id, "test-id-12345");
    const names = list.data.result.tools.map((t: Any) => t.name);
    assert.ok(names.includes("get_info") && names.includes("calculate"));
    const info = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: { name: "get_info" }, id: 2 },
    }) as Any;
    assert.equal(info.data.id, 2);
    assert.notEqual(info.data.result, null);
    const calc = await ws.request({
      type: "mcp",
      data: {
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name: "calculate", arguments: { operation: "add", a: 5, b: 3 } },
        id: 3,
      },
    }) as Any;
    assert.equal(calc.data.result.data, 8);
    const greet = await ws.request({
      type: "mcp",
      data: {
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name: "greet", arguments: { name: "Claude" } },
        id: 4,
      },
    }) as Any;
    assert.equal(greet.data.result.data.includes("Production"), mode === "production");
    assert.ok(greet.data.result.data.includes("Claude"));
    const nope = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: { name: "nope" }, id: 5 },
    }) as Any;
    assert.equal(typeof nope.data.error.code, "number");
    assert.equal(typeof nope.data.error.message, "string");
    assert.ok(!("result" in nope.data));
    const unknown = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "x/y", id: 6 },
    }) as Any;
    assert.equal(unknown.data.error.code, -32601);
    const missing = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: {}, id: 7 },
    }) as Any;
    assert.equal(missing.data.error.code, -32602);
    assert.match(missing.data.error.message, /name/);
    const reset = await ws.request({ type: "reset", data: {} }) as Any;
    assert.equal(reset.type, "observation");
    const c1 = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: { name: "counter" }, id: 8 },
    }) as Any;
    const c2 = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/call", params: { name: "counter" }, id: 9 },
    }) as Any;
    assert.deepEqual([c1.data.result.data, c2.data.result.data], ["1", "2"]);
    const s1 = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "openenv/session/create", id: 10 },
    }) as Any;
    const s2 = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "openenv/session/create", id: 11 },
    }) as Any;
    assert.equal(s1.data.result.session_id, s2.data.result.session_id);
    const state = await ws.request({ type: "state" }) as Any;
    assert.equal(state.data.step_count, 0, "mcp tool calls do not touch env state");
  });

  Deno.test(`[${mode}] WS /mcp takes raw JSON-RPC tools/list and tools/call`, async () => {
    await using server = startTestServer(calculatorApp(mode));
    await using ws = await openRawSocket(server.mcpUrl);
    const list = await ws.request({ jsonrpc: "2.0", method: "tools/list", id: 1 }) as Any;
    assert.ok(list.result.tools.length >= 4);
    const call = await ws.request({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "add", arguments: { a: 2, b: 2 } },
      id: 2,
    }) as Any;
    assert.equal(call.result.data, 4);
  });

  Deno.test(`[${mode}] routes: /health, /schema, /metadata always; /reset, /step, /state only in simulation`, async () => {
    await using server = startTestServer(calculatorApp(mode));
    assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: "healthy" });
    const schema = await (await fetch(`${server.url}/schema`)).json();
    for (const key of ["action", "observation", "state"]) {
      assert.equal(typeof schema[key], "object");
    }
    assert.equal((await fetch(`${server.url}/metadata`)).status, 200);
    for (const [method, path] of [["POST", "/reset"], ["POST", "/step"], ["GET", "/state"]]) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        body: method === "POST" ? "{}" : undefined,
      });
      await res.body?.cancel();
      if (mode === "production") {
        assert.ok([404, 405].includes(res.status), `${path} ${res.status}`);
      } else assert.notEqual(res.status, 404);
    }
    // /ws accepts connections in both modes.
    await using ws = await openRawSocket(server.wsUrl);
    assert.equal((await ws.request({ type: "reset", data: {} }) as Any).type, "observation");
  });
}

Deno.test("step path: list_tools/call_tool actions, action without type, list_tools payload shape", async () => {
  await using server = startTestServer(calculatorApp("simulation"));
  await using ws = await openRawSocket(server.wsUrl);
  // MCPToolClient sends exactly {"type":"list_tools"} in a step message.
  const list = await ws.request({ type: "step", data: { type: "list_tools" } }) as Any;
  assert.equal(list.data.observation.tools[0].name, "get_info");
  assert.deepEqual(Object.keys(list.data.observation.tools[0]), [
    "name",
    "description",
    "input_schema",
  ]);
  assert.equal(list.data.reward, null);
  const call = await ws.request({
    type: "step",
    data: { type: "call_tool", tool_name: "add", arguments: { a: 5, b: 3 } },
  }) as Any;
  assert.equal(call.data.observation.tool_name, "add");
  assert.equal(call.data.observation.result.data, 8);
  assert.equal(call.data.observation.error, null);
  const typeless = await ws.request({
    type: "step",
    data: { tool_name: "add", arguments: { a: 1, b: 1 } },
  }) as Any;
  assert.equal(typeless.data.observation.result.data, 2);
  const nope = await ws.request({
    type: "step",
    data: { type: "call_tool", tool_name: "nope" },
  }) as Any;
  assert.deepEqual(nope.data.observation.error, {
    error_type: "tool_not_found",
    message: "Unknown tool: 'nope'",
  });
  const bad = await ws.request({ type: "step", data: { type: "call_tool" } }) as Any;
  assert.equal(bad.type, "error");
  assert.equal(bad.data.code, "VALIDATION_ERROR");
  const state = await ws.request({ type: "state" }) as Any;
  assert.equal(state.data.step_count, 4, "each valid step is counted by the env");
});

Deno.test("echo over HTTP: /step with a call_tool action, /reset, /state, /schema", async () => {
  await using server = startTestServer(createEchoApp());
  const step = await fetch(`${server.url}/step`, {
    method: "POST",
    body: JSON.stringify({
      action: { type: "call_tool", tool_name: "echo_message", arguments: { message: "Hello" } },
    }),
  });
  assert.equal(step.status, 200);
  const body = await step.json();
  assert.equal(body.observation.result.data, "Hello");
  assert.equal((await (await fetch(`${server.url}/state`)).json()).step_count, 0);
  const schema = await (await fetch(`${server.url}/schema`)).json();
  assert.ok(schema.action && schema.observation);
});

Deno.test("echo over /ws: tool calls count as steps, reset zeroes, echo_with_length returns {message, length}", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  await ws.request({ type: "reset", data: {} });
  const one = await ws.request({
    type: "step",
    data: { type: "call_tool", tool_name: "echo_message", arguments: { message: "Hello" } },
  }) as Any;
  assert.equal(one.data.observation.result.data, "Hello");
  assert.equal((await ws.request({ type: "state" }) as Any).data.step_count, 1);
  const two = await ws.request({
    type: "step",
    data: { type: "call_tool", tool_name: "echo_with_length", arguments: { message: "Hello" } },
  }) as Any;
  assert.deepEqual(two.data.observation.result.data, { message: "Hello", length: 5 });
  assert.equal((await ws.request({ type: "state" }) as Any).data.step_count, 2);
  await ws.request({ type: "reset", data: {} });
  assert.equal((await ws.request({ type: "state" }) as Any).data.step_count, 0);
  // The classic echo action still works on the same socket.
  const classic = await ws.request({ type: "step", data: { message: "hi" } }) as Any;
  assert.equal(classic.data.observation.echoed_message, "hi");
});

Deno.test("a non-MCP action schema gets no silent bypass: tool actions are validation errors", async () => {
  const { EchoAction, EchoEnvironment, EchoObservation } = await import("../envs/echo/mod.ts");
  const app = createApp(() => new EchoEnvironment(), {
    action: EchoAction,
    observation: EchoObservation,
  });
  await using server = startTestServer(app);
  for (const action of [{ type: "list_tools" }, { type: "call_tool", tool_name: "echo_message" }]) {
    const res = await fetch(`${server.url}/step`, {
      method: "POST",
      body: JSON.stringify({ action }),
    });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.ok(body.detail.some((d: Any) => d.type === "extra_forbidden" && d.loc[0] === "type"));
  }
});
