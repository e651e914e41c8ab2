import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { CodingEnv, createCodingApp } from "./mod.ts";

Deno.test("CodingEnv: typed steps through our server", async () => {
  await using server = startTestServer(createCodingApp({ timeoutS: 10 }));
  await using env = await CodingEnv.connect(server.url, { connectTimeoutS: 60 });
  assert.ok(env instanceof CodingEnv);
  await env.reset({}, { timeoutS: 120 });
  await env.execute("x = 40");
  const { observation, reward } = await env.execute("x + 2");
  assert.equal(observation.stdout, "42\n");
  assert.equal(observation.exit_code, 0);
  assert.equal(reward, 0.1);
  const state = await env.state();
  assert.equal(state.step_count, 2);
  assert.equal(state.last_exit_code, 0);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => env.step({ source: "1" } as any), TypeError);
});
