import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { createEchoApp, EchoEnv } from "./mod.ts";

Deno.test("EchoEnv.connect() gives a typed client for the echo server", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = await EchoEnv.connect(server.url);
  assert.ok(env instanceof EchoEnv);
  assert.equal(env.status, "open");
  const first = await env.reset({ episodeId: "echo-1" });
  assert.equal(first.observation.echoed_message, "Echo environment ready!");
  const { observation, reward, done } = await env.echo("hello");
  assert.equal(observation.echoed_message, "hello");
  assert.equal(observation.message_length, 5);
  assert.equal(observation.reward, 0.5);
  assert.equal(reward, 0.5);
  assert.equal(done, false);
  const state = await env.state();
  assert.deepEqual({ episode_id: state.episode_id, step_count: state.step_count }, {
    episode_id: "echo-1",
    step_count: 1,
  });
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => env.step({ text: "x" } as any), TypeError);
});
