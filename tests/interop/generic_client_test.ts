// Interop: the official Python GenericEnvClient (async and .sync()) drives our
// echo server, for each supported OpenEnv release.
import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runScript, VENVS } from "./_python.ts";

interface StepResultJson {
  observation: Record<string, unknown>;
  reward: number | null;
  done: boolean;
  reward_type: string;
}

function assertEchoStep(result: StepResultJson, message: string, step: number): void {
  assert.deepEqual(result.observation, {
    echoed_message: message,
    message_length: message.length,
    metadata: { original_message: message, step },
  });
  assert.equal(result.reward, message.length * 0.1);
  assert.equal(result.reward_type, "float");
  assert.equal(result.done, false);
}

const READY = { echoed_message: "Echo environment ready!", message_length: 0 };

for (const venv of VENVS) {
  Deno.test(`GenericEnvClient async and sync drive the echo server (${venv.label})`, async () => {
    const app = createEchoApp();
    await using server = startTestServer(app);
    const out = await runScript(venv, "generic_client.py", [server.url]);
    assert.match(String(out.version), /^openenv(-core)? 0\.3\.[01]$/);

    const run = out.async as { reset: StepResultJson; steps: StepResultJson[]; state: unknown };
    assert.deepEqual(run.reset, {
      observation: READY,
      reward: 0,
      done: false,
      reward_type: "float",
    });
    assertEchoStep(run.steps[0], "hello", 1);
    assertEchoStep(run.steps[1], "hi there", 2);
    assert.deepEqual(run.state, { episode_id: "interop-async", step_count: 2 });

    const sync = out.sync as typeof run;
    assert.deepEqual(sync.reset.observation, READY);
    assertEchoStep(sync.steps[0], "sync", 1);
    assert.deepEqual(sync.state, { episode_id: "interop-sync", step_count: 1 });

    // Both clients said goodbye ({"type":"close"}): no session is left on the server.
    assert.equal(app.sessions.size, 0);
  });
}
