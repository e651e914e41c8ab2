// MCPToolClient against our echo server and against the official Python
// OpenEnv server (an MCPEnvironment with FastMCP tools, from PyPI `openenv`
// 0.3.1 in the venv made by tests/interop/setup.sh), over both transports.
import assert from "node:assert/strict";
import { createEchoApp } from "../envs/echo/mod.ts";
import { startTestServer } from "../testing/mod.ts";
import { MCPToolClient, ToolFailedError } from "./mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PYTHON = `${ROOT}.cache/interop/openenv-0.3.1/bin/python`;

async function ensureVenv(): Promise<void> {
  const ok = async () => {
    try {
      return (await new Deno.Command(PYTHON, {
        args: ["-c", "import openenv.core, fastmcp, uvicorn"],
        stdout: "null",
        stderr: "null",
      }).output()).success;
    } catch {
      return false;
    }
  };
  if (await ok()) return;
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}tests/interop/setup.sh`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success || !await ok()) {
    throw new Error(
      `The official Python OpenEnv (with fastmcp) is missing from '${PYTHON}' and ` +
        `"bash tests/interop/setup.sh" could not install it:\n${
          new TextDecoder().decode(out.stderr)
        }`,
    );
  }
}

async function startReference(): Promise<{ url: string } & AsyncDisposable> {
  await ensureVenv();
  const child = new Deno.Command(PYTHON, {
    args: [`${ROOT}tests/interop/py/reference_mcp_server.py`],
    stdout: "piped",
    stderr: "piped",
    env: { ENABLE_WEB_INTERFACE: "false", PYTHONUNBUFFERED: "1" },
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The reference MCP server exited early:\n${await stderr}`);
    line += value;
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  const url = `http://127.0.0.1:${JSON.parse(line.split("\n")[0]).port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    await child.status;
    await stderr;
  };
  for (let i = 0;; i++) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      if (i > 1800) {
        await stop();
        throw new Error(`The reference MCP server never answered /health:\n${await stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, [Symbol.asyncDispose]: stop };
}

async function exercise(url: string, transport: "ws" | "http", expected: string[]): Promise<void> {
  await using env = new MCPToolClient(url, { transport });
  if (transport === "ws") await env.reset();
  const tools = await env.listTools();
  for (const name of expected) assert.ok(tools.some((t) => t.name === name), `${name} listed`);
  const echo = tools.find((t) => t.name === "echo_message")!;
  assert.equal(echo.input_schema.type, "object");
  assert.deepEqual(echo.input_schema.required, ["message"]);
  assert.equal(await env.hasTool("echo_message"), true);
  assert.equal(await env.hasTool("nope"), false);
  assert.equal(await env.callTool<string>("echo_message", { message: "héllo" }), "héllo");
  assert.deepEqual(
    await env.callTool<{ message: string; length: number }>("echo_with_length", {
      message: "four",
    }),
    { message: "four", length: 4 },
  );
  await assert.rejects(
    () => env.callTool("nope", {}),
    (e: unknown) =>
      e instanceof ToolFailedError && e.errorType === "tool_not_found" && e.toolName === "nope" &&
      e.message.startsWith("Tool 'nope' failed: "),
  );
  if (transport === "ws") {
    const step = await env.callToolStep("echo_message", { message: "x" });
    assert.equal(step.observation.tool_name, "echo_message");
    assert.equal(step.done, false);
    // list_tools, three calls and the step: each was a step of the episode.
    assert.equal((await env.state()).step_count, 5);
  } else {
    const sid = await env.mcpSessionId;
    assert.equal(typeof sid, "string");
    await assert.rejects(() => env.callToolStep("echo_message"), /needs the ws transport/);
  }
}

for (const transport of ["ws", "http"] as const) {
  Deno.test(`MCPToolClient (${transport}) lists and calls the echo tools on our server`, async () => {
    const app = createEchoApp();
    await using server = startTestServer(app);
    await exercise(server.url, transport, ["echo_message", "echo_with_length"]);
    // close() ended the HTTP MCP session and the WebSocket session.
    assert.equal(app.sessions.size, 0);
  });
}

Deno.test("MCPToolClient drives the official Python MCPEnvironment server over ws and http", async () => {
  await using ref = await startReference();
  await exercise(ref.url, "ws", ["echo_message", "echo_with_length", "add"]);
  await exercise(ref.url, "http", ["echo_message", "echo_with_length", "add"]);
  await using env = new MCPToolClient(ref.url, { transport: "http" });
  assert.equal(await env.callTool<number>("add", { a: 5, b: 3 }), 8);
});

Deno.test("MCPToolClient caches the tool list; useCache: false asks again", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = new MCPToolClient(server.url);
  const first = await env.listTools();
  assert.equal(await env.listTools(), first);
  const fresh = await env.listTools({ useCache: false });
  assert.notEqual(fresh, first);
  assert.deepEqual(fresh, first);
  assert.equal((await env.state()).step_count, 2);
  assert.throws(
    () => new MCPToolClient(server.url, { transport: "grpc" as "ws" }),
    /transport must be/,
  );
});
