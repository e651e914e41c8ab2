// The official MCP TypeScript SDK client (Client + StreamableHTTPClientTransport)
// against our Streamable HTTP endpoint, on a real socket.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createEchoApp } from "../envs/echo/mod.ts";
import { startTestServer } from "../testing/mod.ts";
import { createApp } from "../server/mod.ts";
import { defineTool, McpAction, MCPEnvironment, McpObservation, withMcpEndpoint } from "./mod.ts";
import type { Observation, State } from "../core/models.ts";
import { z } from "zod";

interface Connected {
  client: Client;
  transport: { sessionId?: string; terminateSession(): Promise<void> };
  [Symbol.asyncDispose](): Promise<void>;
}

async function connect(url: string): Promise<Connected> {
  const client = new Client({ name: "sdk-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    transport,
    [Symbol.asyncDispose]: () => client.close(),
  };
}

interface TextBlock {
  type: string;
  text: string;
}

for (const path of ["/mcp", "/mcp/stream"]) {
  Deno.test(`MCP SDK client lists and calls the echo tools on ${path}`, async () => {
    await using server = startTestServer(createEchoApp());
    await using c = await connect(`${server.url}${path}`);
    assert.deepEqual(c.client.getServerVersion(), { name: "echo_env", version: "0.1.0" });
    const { tools } = await c.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["echo_message", "echo_with_length"]);
    assert.equal(tools[0].description, "Echo back the provided message.");
    assert.deepEqual(tools[0].inputSchema, {
      type: "object",
      properties: { message: { type: "string", description: "The message to echo back" } },
      required: ["message"],
      additionalProperties: false,
    });

    const echoed = await c.client.callTool({
      name: "echo_message",
      arguments: { message: "héllo" },
    });
    assert.deepEqual(echoed.content, [{ type: "text", text: "héllo" }]);
    assert.equal(echoed.isError, false);

    const withLength = await c.client.callTool({
      name: "echo_with_length",
      arguments: { message: "four" },
    });
    assert.deepEqual(withLength.structuredContent, { message: "four", length: 4 });
    assert.deepEqual(JSON.parse((withLength.content as TextBlock[])[0].text), {
      message: "four",
      length: 4,
    });

    // Bad arguments come back as a tool error the model can read.
    const bad = await c.client.callTool({ name: "echo_message", arguments: { message: 1 } });
    assert.equal(bad.isError, true);
    assert.match((bad.content as TextBlock[])[0].text, /Invalid arguments for tool 'echo_message'/);

    // An unknown tool is a protocol error (-32602).
    await assert.rejects(
      () => c.client.callTool({ name: "nope", arguments: {} }),
      (e: { code?: number; message: string }) =>
        e.code === -32602 && /Unknown tool: 'nope'/.test(e.message),
    );
  });
}

Deno.test("an MCP session is an OpenEnv session: counted, closable, ended by DELETE", async () => {
  const app = createEchoApp();
  await using server = startTestServer(app);
  const c = await connect(`${server.url}/mcp`);
  const id = c.transport.sessionId!;
  assert.equal(app.sessions.size, 1);
  assert.equal(app.sessions.get(id)?.kind, "mcp-http");
  await c.client.callTool({ name: "echo_message", arguments: { message: "x" } });
  assert.equal(app.sessions.get(id)?.stepCount, 1);

  // DELETE (terminateSession) ends the env too.
  await c.transport.terminateSession();
  assert.equal(app.sessions.size, 0);
  await c.client.close();

  // openenv/session/close of the MCP session id also ends it.
  const d = await connect(`${server.url}/mcp/stream`);
  const id2 = d.transport.sessionId!;
  const closed = await (await fetch(`${server.url}/mcp`, {
    method: "POST",
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "openenv/session/close",
      params: { session_id: id2 },
    }),
  })).json();
  assert.deepEqual(closed.result, { session_id: id2, closed: true });
  const gone = await fetch(`${server.url}/mcp/stream`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": id2,
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
  });
  assert.equal(gone.status, 404);
  assert.match((await gone.json()).error.message, /Session not found/);
  await d.client.close();
});

Deno.test("plain OpenEnv JSON-RPC and the /mcp WebSocket keep working beside the SDK endpoint", async () => {
  await using server = startTestServer(createEchoApp());
  await using c = await connect(`${server.url}/mcp`);
  // An OpenEnv JSON-RPC POST (no event-stream Accept, no session header).
  const list = await (await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list" }),
  })).json();
  assert.equal(list.id, 7);
  assert.deepEqual(list.result.tools.map((t: { name: string }) => t.name), [
    "echo_message",
    "echo_with_length",
  ]);
  const unknown = await (await fetch(`${server.url}/mcp`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 8, method: "resources/list" }),
  })).json();
  assert.equal(unknown.error.code, -32601);
  // The WebSocket on GET /mcp is untouched.
  const ws = new WebSocket(`${server.wsUrl.replace(/\/ws$/, "/mcp")}`);
  const reply = await new Promise<{ result: { tools: unknown[] } }>((resolve, reject) => {
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    ws.onmessage = (e) => resolve(JSON.parse(e.data));
    ws.onerror = () => reject(new Error("ws failed"));
  });
  assert.equal(reply.result.tools.length, 2);
  ws.close();
  await new Promise((r) => (ws.onclose = r));
  assert.equal((await c.client.listTools()).tools.length, 2);
});

Deno.test("an initialize without the Streamable HTTP Accept header gets the SDK's clear 406", async () => {
  const app = createEchoApp();
  await using server = startTestServer(app);
  const res = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "c", version: "1" },
      },
    }),
  });
  assert.equal(res.status, 406);
  assert.match((await res.json()).error.message, /text\/event-stream/);
  assert.equal(app.sessions.size, 0, "no session is left behind");
});

Deno.test("a full server answers initialize with 503 and the capacity message", async () => {
  class One extends MCPEnvironment {
    readonly state: State = { episode_id: null, step_count: 0 };
    constructor() {
      super({
        tools: [defineTool({
          name: "ping",
          description: "Answers pong.",
          input: z.object({}),
          handler: () => "pong",
        })],
      });
    }
    reset(): Observation {
      return { done: false, reward: null, metadata: {} };
    }
  }
  const app = withMcpEndpoint(
    createApp(() => new One(), {
      action: McpAction,
      observation: McpObservation,
      maxConcurrentEnvs: 1,
    }),
  );
  await using server = startTestServer(app);
  await using first = await connect(`${server.url}/mcp/stream`);
  assert.deepEqual((await first.client.callTool({ name: "ping", arguments: {} })).content, [
    { type: "text", text: "pong" },
  ]);
  const second = new Client({ name: "second", version: "1" });
  await assert.rejects(
    () => second.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/stream`))),
    /Server at capacity: 1\/1 sessions active/,
  );
});

Deno.test("mode-aware tools follow the server's mode on every endpoint", async () => {
  class Modes extends MCPEnvironment {
    readonly state: State = { episode_id: null, step_count: 0 };
    constructor() {
      super();
      for (const mode of ["production", "simulation"] as const) {
        this.addTool(defineTool({
          name: "where",
          description: `Says ${mode}.`,
          input: z.object({}),
          mode,
          handler: () => mode,
        }));
      }
    }
    reset(): Observation {
      return { done: false, reward: null, metadata: {} };
    }
  }
  for (const mode of ["production", "simulation"] as const) {
    const app = withMcpEndpoint(
      createApp(() => new Modes(), { action: McpAction, observation: McpObservation, mode }),
    );
    await using server = startTestServer(app);
    await using c = await connect(`${server.url}/mcp`);
    const res = await c.client.callTool({ name: "where", arguments: {} });
    assert.deepEqual(res.content, [{ type: "text", text: mode }]);
    const rpc = await (await fetch(`${server.url}/mcp`, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "where", arguments: {} },
      }),
    })).json();
    assert.equal(rpc.result.data, mode);
  }
});

Deno.test("an open event stream keeps its MCP session from the idle reaper", async () => {
  const app = createEchoApp();
  await using server = startTestServer(app);
  const c = await connect(`${server.url}/mcp/stream`);
  const id = c.transport.sessionId!;
  const session = app.sessions.get(id)!;
  // The SDK client opens a standalone GET event stream after initialize.
  const settle = async (busy: (n: number) => boolean) => {
    for (let i = 0; i < 300 && !busy(session.busy); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await settle((n) => n > 0);
  assert.equal(session.busy, 1, "the event stream holds the session");
  const later = Date.now() + 3_600_000;
  assert.equal(await app.sessions.reapIdle(later), 0, "not reaped while the stream is open");
  assert.ok(app.sessions.get(id));
  // Closing the client drops the stream (without DELETE): now it is idle.
  await c.client.close();
  await settle((n) => n === 0);
  assert.equal(await app.sessions.reapIdle(later), 1, "reaped once the stream is gone");
  assert.equal(app.sessions.get(id), undefined);
});
