import assert from "node:assert/strict";
import {
  type CallToolOptions,
  Environment,
  type Observation,
  type State,
  type ToolHost,
  type ToolInfo,
} from "../mod.ts";
import { handleJsonRpc, type JsonRpcResponse, type RpcContext, rpcError } from "./jsonrpc.ts";
import { SessionManager } from "./session_manager.ts";

/** A tiny tool environment: `add` and `fail`, and a counter of live instances. */
class Calculator extends Environment implements ToolHost {
  static live = 0;
  static calls = 0;
  constructor() {
    super();
    Calculator.live++;
  }
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    throw new Error("tools bypass step()");
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
  listTools(): ToolInfo[] {
    return [{
      name: "add",
      description: "Adds two numbers.",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    }];
  }
  async callTool(name: string, args: Record<string, unknown>, _o?: CallToolOptions) {
    Calculator.calls++;
    await Promise.resolve();
    if (name === "fail") throw new Error("tool exploded");
    if (name !== "add") throw new Error(`Unknown tool: '${name}'`);
    const sum = Number(args.a) + Number(args.b);
    return {
      content: [{ type: "text", text: String(sum) }],
      structured_content: { result: sum },
      data: sum,
      is_error: false,
    };
  }
  override close(): void {
    Calculator.live--;
  }
}

/** An environment without tools. */
class Plain extends Environment {
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
}

function context(factory: () => Environment = () => new Calculator(), max = 4): RpcContext {
  const sessions = new SessionManager({ factory, maxSessions: max });
  return { sessions, createEnv: () => Promise.resolve(factory()) };
}

const call = (ctx: RpcContext, method: string, params?: unknown, id: unknown = 1) =>
  handleJsonRpc({ jsonrpc: "2.0", method, id, ...(params === undefined ? {} : { params }) }, ctx);

function errorOf(response: JsonRpcResponse): { code: number; message: string; data: unknown } {
  assert.ok("error" in response, `expected an error, got ${JSON.stringify(response)}`);
  assert.equal("result" in response, false, "result and error are exclusive");
  return response.error;
}

function resultOf(response: JsonRpcResponse): unknown {
  assert.ok("result" in response, `expected a result, got ${JSON.stringify(response)}`);
  assert.equal("error" in response, false, "result and error are exclusive");
  return response.result;
}

Deno.test("rpcError() always carries data, null by default, keys in the reference's order", () => {
  const e = rpcError(7, -32601, "Method not found: x");
  assert.equal(
    JSON.stringify(e),
    '{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"Method not found: x","data":null}}',
  );
});

Deno.test("tools/list returns the tools and closes the throwaway env", async () => {
  const ctx = context();
  const before = Calculator.live;
  const res = await call(ctx, "tools/list", {}, "abc");
  assert.equal(res.id, "abc");
  const { tools } = resultOf(res) as { tools: ToolInfo[] };
  assert.deepEqual(tools.map((t) => t.name), ["add"]);
  assert.ok("inputSchema" in tools[0]);
  assert.equal(Calculator.live, before, "the sessionless env was closed");
});

Deno.test("tools/call runs the tool without step() and echoes the id", async () => {
  const ctx = context();
  const res = await call(ctx, "tools/call", { name: "add", arguments: { a: 5, b: 3 } }, 2);
  assert.equal(JSON.stringify(res).startsWith('{"jsonrpc":"2.0","id":2,"result":'), true);
  assert.equal((resultOf(res) as { data: number }).data, 8);
});

Deno.test("tools/call errors: missing name -32602, tool failure -32603 with its message", async () => {
  const ctx = context();
  const missing = errorOf(await call(ctx, "tools/call", {}));
  assert.deepEqual(missing, { code: -32602, message: "Missing 'name' in params", data: null });
  const empty = errorOf(await call(ctx, "tools/call", { name: "" }));
  assert.equal(empty.code, -32602);
  const unknown = errorOf(await call(ctx, "tools/call", { name: "nope" }));
  assert.deepEqual(unknown, { code: -32603, message: "Unknown tool: 'nope'", data: null });
  const failed = errorOf(await call(ctx, "tools/call", { name: "fail" }));
  assert.deepEqual(failed, { code: -32603, message: "tool exploded", data: null });
  const badArgs = errorOf(await call(ctx, "tools/call", { name: "add", arguments: [1] }));
  assert.equal(badArgs.code, -32602);
});

Deno.test("an env without tools answers -32603 'Environment does not support MCP' first", async () => {
  const ctx = context(() => new Plain());
  for (const [method, params] of [["tools/list", {}], ["tools/call", {}]] as const) {
    assert.deepEqual(errorOf(await call(ctx, method, params)), {
      code: -32603,
      message: "Environment does not support MCP",
      data: null,
    });
  }
});

Deno.test("unknown methods get -32601 with the method name", async () => {
  const res = await call(context(), "resources/list", {}, 9);
  assert.equal(res.id, 9);
  assert.deepEqual(errorOf(res), {
    code: -32601,
    message: "Method not found: resources/list",
    data: null,
  });
});

Deno.test("malformed requests get -32600 with id null", async () => {
  const ctx = context();
  const cases: unknown[] = [
    { method: "tools/list", id: 1 }, // no jsonrpc
    { jsonrpc: "1.0", method: "tools/list", id: 1 },
    { jsonrpc: "2.0", id: 1 }, // no method
    { jsonrpc: "2.0", method: 5, id: 1 },
    { jsonrpc: "2.0", method: "tools/list", params: [1], id: 1 },
    { jsonrpc: "2.0", method: "tools/list", id: 1.5 },
    { jsonrpc: "2.0", method: "tools/list", id: {} },
    { jsonrpc: "2.0", method: "tools/list", id: 1, extra: true },
    [1, 2],
    "text",
    null,
  ];
  for (const req of cases) {
    const res = await handleJsonRpc(req, ctx);
    assert.equal(res.id, null, JSON.stringify(req));
    const e = errorOf(res);
    assert.equal(e.code, -32600, JSON.stringify(req));
    assert.match(e.message, /^Invalid request: /);
    assert.equal(e.data, null);
  }
  const missing = errorOf(await handleJsonRpc({ method: "x", id: 1 }, ctx));
  assert.equal(
    missing.message,
    "Invalid request: 1 validation error for JsonRpcRequest\njsonrpc\n  Field required [type=missing]",
  );
});

Deno.test("ids: strings and integers are echoed, booleans become ints, absent means null", async () => {
  const ctx = context();
  assert.equal((await call(ctx, "x", {}, "s-1")).id, "s-1");
  assert.equal((await call(ctx, "x", {}, 0)).id, 0);
  assert.equal((await call(ctx, "x", {}, true)).id, 1);
  assert.equal((await call(ctx, "x", {}, null)).id, null);
  assert.equal((await handleJsonRpc({ jsonrpc: "2.0", method: "x" }, ctx)).id, null);
});

Deno.test("openenv/session/create and close manage an HTTP MCP session", async () => {
  const ctx = context();
  const created = resultOf(await call(ctx, "openenv/session/create")) as { session_id: string };
  assert.equal(typeof created.session_id, "string");
  assert.ok(created.session_id.length > 0);
  assert.equal(ctx.sessions.get(created.session_id)?.kind, "mcp-http");
  // Tools run on the session's env, which counts the call.
  const res = await call(ctx, "tools/call", {
    name: "add",
    arguments: { a: 2, b: 3 },
    session_id: created.session_id,
  });
  assert.equal((resultOf(res) as { data: number }).data, 5);
  assert.equal(ctx.sessions.get(created.session_id)?.stepCount, 1);
  const closed = resultOf(
    await call(ctx, "openenv/session/close", { session_id: created.session_id }),
  );
  assert.deepEqual(closed, { session_id: created.session_id, closed: true });
  // A second close, an unknown id, a missing id.
  const again = errorOf(
    await call(ctx, "openenv/session/close", { session_id: created.session_id }),
  );
  assert.deepEqual(again, {
    code: -32602,
    message: `Unknown session_id: ${created.session_id}`,
    data: null,
  });
  const none = errorOf(await call(ctx, "openenv/session/close", {}));
  assert.deepEqual(none, {
    code: -32602,
    message: "Invalid params - 'session_id' is required",
    data: null,
  });
  // Tools on a closed session fail.
  const after = errorOf(
    await call(ctx, "tools/call", { name: "add", session_id: created.session_id }),
  );
  assert.equal(after.code, -32602);
});

Deno.test("openenv/session/create reports capacity and factory failures as -32000 with data", async () => {
  const ctx = context(() => new Calculator(), 1);
  resultOf(await call(ctx, "openenv/session/create"));
  const full = errorOf(await call(ctx, "openenv/session/create"));
  assert.deepEqual(full, {
    code: -32000,
    message: "Server at capacity: 1/1 sessions active. Cannot accept new connections.",
    data: { active_sessions: 1, max_sessions: 1 },
  });
  const broken = context(function explode(): Environment {
    throw new Error("boom");
  });
  const failed = errorOf(await call(broken, "openenv/session/create"));
  assert.deepEqual(failed, {
    code: -32000,
    message: "Environment factory 'explode' failed to create instance.",
    data: { factory_name: "explode" },
  });
  await ctx.sessions.close();
});

Deno.test("over a WebSocket session: create returns its own id, close of itself is refused", async () => {
  const ctx = context();
  const session = await ctx.sessions.create("ws");
  const ws: RpcContext = { ...ctx, session };
  const first = resultOf(await call(ws, "openenv/session/create")) as { session_id: string };
  const second = resultOf(await call(ws, "openenv/session/create")) as { session_id: string };
  assert.equal(first.session_id, session.id);
  assert.equal(second.session_id, session.id);
  assert.equal(ctx.sessions.size, 1, "no new session was made");
  assert.deepEqual(errorOf(await call(ws, "openenv/session/close", { session_id: session.id })), {
    code: -32600,
    message: "Cannot close active WebSocket-managed session via MCP method",
    data: null,
  });
  // A session_id param is ignored in favour of the socket's own session.
  const res = await call(ws, "tools/call", {
    name: "add",
    arguments: { a: 1, b: 1 },
    session_id: "someone-else",
  });
  assert.equal((resultOf(res) as { data: number }).data, 2);
  assert.equal(session.stepCount, 1);
  await ctx.sessions.close();
});

Deno.test("session/close over HTTP cannot end another client's WebSocket session", async () => {
  const ctx = context();
  const wsSession = await ctx.sessions.create("ws");
  const res = errorOf(await call(ctx, "openenv/session/close", { session_id: wsSession.id }));
  assert.equal(res.code, -32602);
  assert.ok(ctx.sessions.get(wsSession.id), "the WebSocket session is still alive");
  await ctx.sessions.close();
});

Deno.test("a throwaway env whose close() throws does not turn a result into an error", async () => {
  const original = console.error;
  console.error = () => {};
  try {
    const ctx = context(() =>
      new (class extends Calculator {
        override close(): void {
          super.close();
          throw new Error("close failed");
        }
      })()
    );
    const res = await call(ctx, "tools/call", { name: "add", arguments: { a: 1, b: 2 } });
    assert.equal((resultOf(res) as { data: number }).data, 3);
  } finally {
    console.error = original;
  }
});

Deno.test("a throwaway env whose close() hangs does not hold the answer past the limit", async () => {
  const original = console.error;
  console.error = () => {};
  try {
    const ctx = context(() =>
      new (class extends Calculator {
        override close(): Promise<void> {
          super.close();
          return new Promise(() => {});
        }
      })()
    );
    const res = await call({ ...ctx, closeTimeoutS: 0.05 }, "tools/list", {});
    assert.ok(resultOf(res));
  } finally {
    console.error = original;
  }
});
