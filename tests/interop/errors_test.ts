// Interop: errors as the official client reports them. An invalid action is
// the client's RuntimeError naming VALIDATION_ERROR and the session lives on;
// a full server gives the next client CAPACITY_REACHED.
import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { createEchoApp, EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runScript, VENVS } from "./_python.ts";

for (const venv of VENVS) {
  Deno.test(`invalid actions raise VALIDATION_ERROR and keep the session (${venv.label})`, async () => {
    await using server = startTestServer(createEchoApp());
    const out = await runScript(venv, "errors.py", [server.url]);
    const errors = out.errors as { action: unknown; error: string | null; type: string | null }[];
    assert.equal(errors.length, 3);
    for (const e of errors) {
      assert.equal(e.type, "RuntimeError", `no error for ${JSON.stringify(e.action)}`);
      assert.match(e.error ?? "", /^Server error: .*\(code: VALIDATION_ERROR\)$/);
    }
    const before = out.before as { observation: Record<string, unknown>; reward: number };
    const after = out.after as typeof before;
    assert.equal(before.observation.echoed_message, "ok");
    assert.equal(after.observation.echoed_message, "still here");
    assert.equal(after.reward, "still here".length * 0.1);
    // Only the two valid steps counted, in the same episode.
    assert.deepEqual(out.state, { episode_id: "errors", step_count: 2 });
  });

  Deno.test(`a second client at capacity gets CAPACITY_REACHED (${venv.label})`, async () => {
    const app = createApp(() => new EchoEnvironment(), {
      name: "echo_env",
      action: EchoAction,
      observation: EchoObservation,
      maxConcurrentEnvs: 1,
    });
    await using server = startTestServer(app);
    const out = await runScript(venv, "capacity.py", [server.url]);
    assert.equal(out.second_error_type, "RuntimeError", `second client: ${out.second_error}`);
    assert.match(String(out.second_error), /\(code: CAPACITY_REACHED\)$/);
    assert.match(String(out.second_error), /capacity/i);
    // The first client was not disturbed, and its slot was reused after it left.
    assert.equal((out.first_step as Record<string, unknown>).echoed_message, "still mine");
    assert.equal((out.third_step as Record<string, unknown>)?.echoed_message, "third");
  });
}
