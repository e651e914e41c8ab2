import assert from "node:assert/strict";
import { z } from "zod";
import type { Observation, State } from "../core/models.ts";
import {
  CallToolAction,
  type CallToolObservation,
  classifyToolError,
  DEFAULT_TOOL_TIMEOUT_S,
  defineTool,
  ListToolsAction,
  type ListToolsObservation,
  McpAction,
  MCPEnvironment,
  type MCPEnvironmentOptions,
  toCallToolResult,
  ToolCallError,
  withMcpActions,
} from "./mod.ts";
import { ActionSchema } from "../core/models.ts";

class ToolEnv extends MCPEnvironment {
  state: State = { episode_id: null, step_count: 0 };
  constructor(options: MCPEnvironmentOptions = {}) {
    super(options);
  }
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
}

const add = defineTool({
  name: "add",
  description: "Add two numbers.",
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

const greet = defineTool({
  name: "greet",
  description: "Greet someone.",
  input: z.object({ name: z.string() }),
  handler: async ({ name }) => {
    await Promise.resolve();
    return `Hello, ${name}!`;
  },
});

const call = (tool_name: string, args: Record<string, unknown> = {}) =>
  CallToolAction.parse({ tool_name, arguments: args });

Deno.test("reserved tool names are refused, at definition and at construction", () => {
  for (const name of ["reset", "step", "state", "close"]) {
    assert.throws(
      () => defineTool({ name, description: "", input: z.object({}), handler: () => 1 }),
      (e: Error) =>
        e instanceof TypeError && e.message.includes("reserved") && e.message.includes(name),
    );
    // A hand-written definition that skipped defineTool is checked again.
    assert.throws(
      () =>
        new ToolEnv({
          tools: [{ name, description: "", input: z.object({}), handler: () => 1 }],
        }),
      /reserved/,
    );
  }
});

Deno.test("malformed names, inputs, modes and duplicates are refused with clear errors", () => {
  assert.throws(
    () => defineTool({ name: "a b", description: "", input: z.object({}), handler: () => 1 }),
    /Tool name "a b" is invalid/,
  );
  assert.throws(
    () =>
      defineTool({
        name: "x",
        description: "",
        input: z.string() as unknown as z.ZodObject,
        handler: () => 1,
      }),
    /zod object schema/,
  );
  assert.throws(
    () =>
      defineTool({
        name: "x",
        description: "",
        input: z.object({}),
        mode: "staging" as "production",
        handler: () => 1,
      }),
    /Invalid mode 'staging'/,
  );
  const env = new ToolEnv({ tools: [add] });
  assert.throws(() => env.addTool(add), /'add' is already registered/);
  assert.throws(() => env.addTool({ ...add, mode: "production" }), /already registered/);
  assert.throws(() => new ToolEnv({ toolTimeoutS: 0 }), /toolTimeoutS must be a positive/);
  assert.throws(() => env.setServerMode("staging" as "production"), /Invalid mode: 'staging'/);
});

Deno.test("list_tools gives name, description and input_schema (JSON Schema from zod)", async () => {
  const env = new ToolEnv({ tools: [add, greet] });
  const obs = await env.step(ListToolsAction.parse({}), {}) as ListToolsObservation;
  assert.deepEqual(obs.tools.map((t) => t.name), ["add", "greet"]);
  assert.deepEqual(obs.tools[0], {
    name: "add",
    description: "Add two numbers.",
    input_schema: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    },
  });
  assert.equal(obs.done, false);
  assert.equal(obs.reward, null);
  // The ToolHost view (for /mcp tools/list) uses the MCP spelling inputSchema.
  assert.deepEqual(env.listTools()[1].inputSchema, obs.tools[1].input_schema);
});

Deno.test("call_tool returns the reference's result object; sync and async handlers", async () => {
  const env = new ToolEnv({ tools: [add, greet] });
  const sum = await env.step(call("add", { a: 5, b: 3 }), {}) as CallToolObservation;
  assert.deepEqual(sum, {
    tool_name: "add",
    result: {
      content: [{ type: "text", text: "8", annotations: null, meta: null }],
      structured_content: { result: 8 },
      meta: null,
      data: 8,
      is_error: false,
    },
    error: null,
    done: false,
    reward: null,
    metadata: {},
  });
  const hi = await env.step(call("greet", { name: "Claude" }), {}) as CallToolObservation;
  assert.equal((hi.result as { data: unknown }).data, "Hello, Claude!");
});

Deno.test("toCallToolResult: objects are their own structured content; null has no content", () => {
  assert.deepEqual(toCallToolResult({ message: "hi", length: 2 }), {
    content: [{
      type: "text",
      text: '{"message":"hi","length":2}',
      annotations: null,
      meta: null,
    }],
    structured_content: { message: "hi", length: 2 },
    meta: null,
    data: { message: "hi", length: 2 },
    is_error: false,
  });
  assert.deepEqual(toCallToolResult(undefined).content, []);
  assert.deepEqual(toCallToolResult([1, 2]).structured_content, { result: [1, 2] });
});

Deno.test("tool failures become observations with the reference's error types", async () => {
  const env = new ToolEnv({
    tools: [
      add,
      defineTool({
        name: "move",
        description: "Make a move.",
        input: z.object({}),
        handler: () => {
          throw new Error("Invalid move: e9");
        },
      }),
      defineTool({
        name: "crash",
        description: "Fails.",
        input: z.object({}),
        handler: () => {
          throw new Error("disk full");
        },
      }),
    ],
  });
  const errorOf = async (action: CallToolAction) =>
    ((await env.step(action, {})) as CallToolObservation).error;
  assert.deepEqual(await errorOf(call("nope")), {
    error_type: "tool_not_found",
    message: "Unknown tool: 'nope'",
  });
  const bad = await errorOf(call("add", { a: "x" }));
  assert.equal(bad?.error_type, "invalid_args");
  assert.match(bad!.message, /^Invalid arguments for tool 'add': a: .*; b: /);
  assert.deepEqual(await errorOf(call("move")), {
    error_type: "invalid_args",
    message: "Invalid move: e9",
  });
  assert.deepEqual(await errorOf(call("crash")), {
    error_type: "execution_error",
    message: "disk full",
  });
  const failed = await env.step(call("nope"), {}) as CallToolObservation;
  assert.equal(failed.result, null);
  // Through the ToolHost path the same failures are thrown, typed.
  await assert.rejects(
    () => env.callTool("nope", {}),
    (e: unknown) => e instanceof ToolCallError && e.errorType === "tool_not_found",
  );
});

Deno.test("classifyToolError follows the reference's substring rules", () => {
  assert.equal(classifyToolError(new Error("Resource not found")), "tool_not_found");
  assert.equal(classifyToolError(new Error("unknown tool x")), "tool_not_found");
  assert.equal(classifyToolError(new Error("missing argument b")), "invalid_args");
  assert.equal(classifyToolError("plain string"), "execution_error");
  assert.equal(classifyToolError(new ToolCallError("timeout", "x")), "timeout");
});

Deno.test("a tool that runs past its time limit fails with 'timeout' and its signal aborts", async () => {
  let aborted: unknown = undefined;
  const env = new ToolEnv({
    toolTimeoutS: 0.05,
    tools: [defineTool({
      name: "hang",
      description: "Never finishes unless aborted.",
      input: z.object({}),
      handler: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
            resolve("late");
          });
        }),
    })],
  });
  const obs = await env.step(call("hang"), {}) as CallToolObservation;
  assert.deepEqual(obs.error, {
    error_type: "timeout",
    message: "Tool 'hang' timed out after 0.05 seconds",
  });
  assert.ok(aborted instanceof ToolCallError);
  // A step's own timeoutS wins over the environment's default.
  const obs2 = await env.step(call("hang"), { timeoutS: 0.02 }) as CallToolObservation;
  assert.equal(obs2.error?.message, "Tool 'hang' timed out after 0.02 seconds");
  assert.equal(DEFAULT_TOOL_TIMEOUT_S, 30);
});

Deno.test("mode-aware tools: one implementation per mode, switched by the server mode", async () => {
  const env = new ToolEnv({ tools: [add] });
  env.addTool(defineTool({
    name: "lookup",
    description: "Production lookup.",
    input: z.object({ id: z.number().int() }),
    mode: "production",
    handler: ({ id }) => `PROD_${id}`,
  }));
  env.addTool(defineTool({
    name: "lookup",
    description: "Simulated lookup.",
    input: z.object({ id: z.number().int() }),
    mode: "simulation",
    handler: async ({ id }) => {
      await Promise.resolve();
      return `SIM_${id}`;
    },
  }));
  env.addTool(defineTool({
    name: "deploy",
    description: "Only in production.",
    input: z.object({}),
    mode: "production",
    handler: () => "deployed",
  }));
  const data = async (
    name: string,
    args: Record<string, unknown> = {},
  ) => ((await env.step(call(name, args), {})) as CallToolObservation);
  const names = async () =>
    ((await env.step(ListToolsAction.parse({}), {})) as ListToolsObservation).tools.map((t) =>
      t.description
    );

  assert.equal(env.mode, "simulation");
  assert.deepEqual(await names(), ["Add two numbers.", "Simulated lookup."]);
  assert.equal(((await data("lookup", { id: 42 })).result as { data: string }).data, "SIM_42");
  assert.deepEqual((await data("deploy")).error, {
    error_type: "tool_not_found",
    message: "Tool 'deploy' not available in simulation mode",
  });

  env.setServerMode("production");
  assert.deepEqual(await names(), [
    "Add two numbers.",
    "Production lookup.",
    "Only in production.",
  ]);
  assert.equal(((await data("lookup", { id: 42 })).result as { data: string }).data, "PROD_42");
  assert.equal(((await data("add", { a: 1, b: 2 })).result as { data: number }).data, 3);

  env.setServerMode("simulation");
  assert.equal(((await data("lookup", { id: 7 })).result as { data: string }).data, "SIM_7");
  // A mode-less tool cannot share its name with mode-specific ones.
  assert.throws(() => env.addTool({ ...add, name: "lookup" }), /already registered/);
});

Deno.test("non-tool actions go to stepAction, which refuses them by default", () => {
  const env = new ToolEnv({ tools: [add] });
  assert.throws(
    () => env.step({ metadata: {}, message: "hi" } as never, {}),
    /ToolEnv only takes tool actions/,
  );
});

Deno.test("a closed environment refuses tool calls", async () => {
  const env = new ToolEnv({ tools: [add] });
  await env.close();
  const obs = await env.step(call("add", { a: 1, b: 1 }), {}) as CallToolObservation;
  assert.equal(obs.error?.error_type, "execution_error");
  assert.match(obs.error!.message, /closed/);
});

Deno.test("McpAction: `type` picks the action; without it an action is a call_tool", () => {
  assert.deepEqual(McpAction.parse({ type: "list_tools" }), { type: "list_tools", metadata: {} });
  assert.deepEqual(McpAction.parse({ tool_name: "echo_message" }), {
    type: "call_tool",
    tool_name: "echo_message",
    arguments: {},
    metadata: {},
  });
  const missing = McpAction.safeParse({});
  assert.equal(missing.success, false);
  assert.deepEqual(missing.error!.issues.map((i) => i.path), [["tool_name"]]);
  assert.equal(McpAction.safeParse({ type: "list_tools", tool_name: "x" }).success, false);
  assert.equal(McpAction.safeParse({ type: "foo" }).success, false);
  assert.equal(McpAction.safeParse({ tool_name: "x", bogus: 1 }).success, false);
  // ListToolsAction and CallToolAction alone keep their defaults.
  assert.equal(ListToolsAction.parse({}).type, "list_tools");
  assert.equal(CallToolAction.parse({ tool_name: "t" }).type, "call_tool");
});

Deno.test("withMcpActions keeps an environment's own action and adds the tool actions", () => {
  const Say = ActionSchema.extend({ text: z.string() });
  const Both = withMcpActions(Say);
  assert.deepEqual(Both.parse({ text: "hi" }), { text: "hi", metadata: {} });
  assert.equal((Both.parse({ type: "list_tools" }) as { type: string }).type, "list_tools");
  assert.equal((Both.parse({ tool_name: "t" }) as { type: string }).type, "call_tool");
  assert.equal(Both.safeParse({}).success, false);
});

Deno.test("a tool list that cannot be built gives no tools and says why in metadata", async () => {
  class Broken extends ToolEnv {
    override listTools(): never {
      throw new Error("schema exploded");
    }
  }
  const obs = await new Broken({ tools: [add] }).step(
    ListToolsAction.parse({}),
    {},
  ) as ListToolsObservation;
  assert.deepEqual(obs.tools, []);
  assert.deepEqual(obs.metadata, { error: "schema exploded", error_type: "list_tools_failed" });
});

Deno.test("getCallables: the current mode's tools as async functions returning their value", async () => {
  const env = new ToolEnv({ tools: [add, greet] });
  env.addTool(defineTool({
    name: "deploy",
    description: "Production only.",
    input: z.object({}),
    mode: "production",
    handler: () => "ok",
  }));
  const fns = env.getCallables();
  assert.deepEqual(Object.keys(fns), ["add", "greet"]);
  assert.equal(await fns.add({ a: 5, b: 3 }), 8);
  assert.equal(await fns.greet({ name: "Ada" }), "Hello, Ada!");
  await assert.rejects(() => fns.add({ a: "x" }), /Invalid arguments for tool 'add'/);
  env.setServerMode("production");
  assert.deepEqual(Object.keys(env.getCallables()), ["add", "greet", "deploy"]);
});
