// Interop: the official Python MCPToolClient (step path over /ws and the
// production HTTP /mcp path) lists and calls the echo tools on our server.
import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runScript, VENVS } from "./_python.ts";

const MESSAGE_SCHEMA = {
  type: "object",
  properties: { message: { type: "string", description: "The message to echo back" } },
  required: ["message"],
  additionalProperties: false,
};

for (const venv of VENVS) {
  Deno.test(`MCPToolClient lists and calls the echo tools (${venv.label})`, async () => {
    const app = createEchoApp();
    await using server = startTestServer(app);
    const out = await runScript(venv, "mcp_tool_client.py", [server.url]);
    assert.match(String(out.version), /^openenv(-core)? 0\.3\.[01]$/);

    const step = out.step as Record<string, unknown>;
    assert.deepEqual(step.tools, [
      {
        name: "echo_message",
        description: "Echo back the provided message.",
        input_schema: MESSAGE_SCHEMA,
      },
      {
        name: "echo_with_length",
        description: "Echo back the message with its length.",
        input_schema: MESSAGE_SCHEMA,
      },
    ]);
    assert.equal(step.has_echo, true);
    assert.equal(step.has_nope, false);
    assert.equal(step.echo_message, "Hello");
    assert.deepEqual(step.echo_with_length, { message: "héllo", length: 5 });
    // list_tools and both calls were steps of the episode.
    assert.equal(step.step_count_after_3, 3);
    assert.equal(
      step.unknown_tool,
      "Tool 'nope' failed: Unknown tool: 'nope' (type: tool_not_found)",
    );
    assert.match(
      String(step.missing_argument),
      /^Tool 'echo_message' failed: Invalid arguments for tool 'echo_message': message: .* \(type: invalid_args\)$/,
    );
    assert.equal(step.step_count_after_reset, 0);

    const production = out.production as Record<string, unknown>;
    assert.deepEqual(production.tools, ["echo_message", "echo_with_length"]);
    assert.deepEqual(production.echo_with_length, { message: "abc", length: 3 });
    assert.equal(production.unknown_tool, "Tool 'nope' failed: Unknown tool: 'nope'");
    assert.equal(typeof production.session_id, "string");
    assert.equal(production.session_after_close, null);
    // The client closed its HTTP MCP session, so no session is left.
    assert.equal(app.sessions.get(production.session_id as string), undefined);

    assert.deepEqual(out.classic, {
      observation: {
        echoed_message: "hi",
        message_length: 2,
        metadata: { original_message: "hi", step: 1 },
      },
      reward: 0.2,
    });
  });
}

for (const [venv, path] of [[VENVS[0], "/mcp"], [VENVS[1], "/mcp/stream"]] as const) {
  Deno.test(`the official Python MCP SDK client uses our Streamable HTTP endpoint at ${path} (${venv.label})`, async () => {
    const app = createEchoApp();
    await using server = startTestServer(app);
    const out = await runScript(venv, "mcp_sdk_client.py", [server.url, path]);
    assert.match(String(out.mcp_version), /^\d+\.\d+/);
    assert.equal(out.server, "echo_env");
    assert.deepEqual(out.tools, [
      {
        name: "echo_message",
        description: "Echo back the provided message.",
        required: ["message"],
      },
      {
        name: "echo_with_length",
        description: "Echo back the message with its length.",
        required: ["message"],
      },
    ]);
    assert.deepEqual(out.echoed, { text: ["héllo"], is_error: false });
    assert.deepEqual(out.sized, { structured: { message: "four", length: 4 }, is_error: false });
    const bad = out.bad as { text: string[]; is_error: boolean };
    assert.equal(bad.is_error, true);
    assert.match(bad.text[0], /^Invalid arguments for tool 'echo_message'/);
    assert.match(
      String((out.unknown as { message: string }).message),
      /-32602.*Unknown tool: 'nope'/,
    );
    // The client ended its MCP session (DELETE) on exit.
    assert.equal(app.sessions.size, 0);
  });
}
