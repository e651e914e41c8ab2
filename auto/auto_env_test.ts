// AutoEnv against real servers: our echo on a local port (as a running server
// and as a stand-in for a Hugging Face Space) and the echo package started by
// AutoEnv itself in a sandboxed Deno process.
import assert from "node:assert/strict";
import { AutoEnv } from "./mod.ts";
import { createEchoApp, EchoAction } from "../envs/echo/mod.ts";
import { startTestServer } from "../testing/mod.ts";
import { MCPToolClient } from "../client/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("AutoEnv cannot be instantiated", () => {
  const Ctor = AutoEnv as unknown as new () => unknown;
  assert.throws(() => new Ctor(), /AutoEnv cannot be instantiated: use AutoEnv.fromEnv/);
});

Deno.test("find: every spelling of a name, package names, and suggestions for typos", async () => {
  for (const name of ["echo", "echo-env", "echo_env", "@openenv/echo"]) {
    assert.equal((await AutoEnv.find(name, { root: ROOT })).name, "echo_env");
  }
  assert.equal((await AutoEnv.find(`${ROOT}envs/echo`)).name, "echo_env");
  await assert.rejects(() => AutoEnv.find("./no/such/env"), /No openenv.yaml in/);
  await assert.rejects(
    () => AutoEnv.find("ecko", { root: ROOT }),
    (e: Error) =>
      e instanceof RangeError &&
      /Unknown environment 'ecko'\. Did you mean 'echo'\?/.test(e.message) &&
      /Available: .*echo/.test(e.message),
  );
});

Deno.test("schemas: the package's exported zod schemas (AutoAction)", async () => {
  const schemas = await AutoEnv.schemas("echo", { root: ROOT });
  assert.equal(schemas.action, EchoAction);
  assert.ok(schemas.observation && schemas.state);
});

Deno.test("a local name with baseUrl gives a typed client of that server", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = await AutoEnv.fromEnv("echo_env", { root: ROOT, baseUrl: server.url });
  await env.reset();
  const { observation, reward } = await env.step({ message: "hello" });
  assert.equal(observation.echoed_message, "hello");
  assert.equal(reward, 0.5);
  // Typed: the action schema is checked before anything is sent.
  await assert.rejects(() => env.step({ bogus: 1 }), /Invalid action/);
  await assert.rejects(
    () => AutoEnv.fromEnv("echo", { root: ROOT, baseUrl: "http://127.0.0.1:9", probeTimeoutS: 1 }),
    /Server not available at http:\/\/127\.0\.0\.1:9/,
  );
});

Deno.test("a Space id is probed at its hf.space URL (a local stand-in here) and connected", async () => {
  await using space = startTestServer(createEchoApp());
  const asked: string[] = [];
  const resolveSpaceUrl = (repoId: string) => {
    asked.push(repoId);
    return space.url;
  };
  await using env = await AutoEnv.fromEnv("openenv/echo_env", { resolveSpaceUrl });
  assert.deepEqual(asked, ["openenv/echo_env"]);
  const { observation } = await env.step({ message: "hi" });
  assert.equal(observation.echoed_message, "hi");
  await using tools = await AutoEnv.fromEnv("https://huggingface.co/spaces/openenv/echo_env", {
    resolveSpaceUrl,
    kind: "tools",
  });
  assert.ok(tools instanceof MCPToolClient);
  assert.equal(await (tools as MCPToolClient).callTool("echo_message", { message: "x" }), "x");
  await assert.rejects(
    () =>
      AutoEnv.fromEnv("openenv/echo_env", {
        resolveSpaceUrl: () => "http://127.0.0.1:9",
        probeTimeoutS: 1,
      }),
    /Space 'openenv\/echo_env' does not answer at http:\/\/127\.0\.0\.1:9\. .*'registry\.hf\.space\/openenv-echo-env:latest'/,
  );
});

Deno.test("a local name without baseUrl starts the package in a sandboxed process, stopped on close", async () => {
  // A generous health limit: CI machines are busy.
  const env = await AutoEnv.fromEnv("echo", { root: ROOT, process: { healthTimeoutMs: 120_000 } });
  const url = (env as unknown as { baseUrl: string }).baseUrl;
  try {
    await env.reset();
    assert.ok(Math.abs(((await env.step({ message: "abc" })).reward as number) - 0.3) < 1e-9);
  } finally {
    await env.close();
  }
  await assert.rejects(() => fetch(`${url}/health`), "the process is gone after close");
});
