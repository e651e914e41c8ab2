// Interop: a typed pydantic client written the way `openenv init`'s template
// writes one (EnvClient subclass, typed Observation, StepResult, State).
import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runScript, VENVS } from "./_python.ts";

interface TypedResult {
  echoed_message: string;
  message_length: number;
  obs_reward: number | null;
  obs_done: boolean;
  obs_metadata: Record<string, unknown>;
  reward: number | null;
  done: boolean;
}

interface TypedState {
  episode_id: string | null;
  step_count: number;
}

function assertStep(result: TypedResult, message: string, step: number): void {
  const reward = message.length * 0.1;
  assert.deepEqual(result, {
    echoed_message: message,
    message_length: message.length,
    obs_reward: reward,
    obs_done: false,
    obs_metadata: { original_message: message, step },
    reward,
    done: false,
  });
}

const READY: TypedResult = {
  echoed_message: "Echo environment ready!",
  message_length: 0,
  obs_reward: 0,
  obs_done: false,
  obs_metadata: {},
  reward: 0,
  done: false,
};

for (const venv of VENVS) {
  Deno.test(`typed EnvClient subclass reads typed echo results (${venv.label})`, async () => {
    await using server = startTestServer(createEchoApp());
    const out = await runScript(venv, "typed_client.py", [server.url]);
    const messages = out.messages as string[];
    assert.deepEqual(messages, ["hello", "typed client", ""]);

    const run = out.async as {
      reset: TypedResult;
      steps: TypedResult[];
      state: TypedState;
      second_reset: TypedResult;
      state_after_reset: TypedState;
    };
    assert.deepEqual(run.reset, READY);
    messages.forEach((m, i) => assertStep(run.steps[i], m, i + 1));
    assert.deepEqual(run.state, { episode_id: "typed-async", step_count: 3 });
    assert.deepEqual(run.second_reset, READY);
    // A reset without an episode id starts a new episode with a fresh id.
    assert.equal(run.state_after_reset.step_count, 0);
    assert.equal(typeof run.state_after_reset.episode_id, "string");
    assert.notEqual(run.state_after_reset.episode_id, "typed-async");

    const sync = out.sync as { reset: TypedResult; steps: TypedResult[]; state: TypedState };
    assert.deepEqual(sync.reset, READY);
    messages.forEach((m, i) => assertStep(sync.steps[i], m, i + 1));
    assert.deepEqual(sync.state, { episode_id: "typed-sync", step_count: 3 });
  });
}
