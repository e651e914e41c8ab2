import assert from "node:assert/strict";
import { ActionSchema, Environment, type Observation, type State } from "../mod.ts";
import { createApp, type CreateAppOptions } from "./create_app.ts";

class Plain extends Environment {
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
}

/** Builds an app with environment variables set only for the (synchronous) call. */
function withEnvVars(vars: Record<string, string>, options: Partial<CreateAppOptions> = {}) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    return createApp(() => new Plain(), { action: ActionSchema, ...options });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
  }
}

Deno.test("MAX_CONCURRENT_ENVS sets the session limit; the option wins over it", async () => {
  await using fromEnv = withEnvVars({ MAX_CONCURRENT_ENVS: "3" });
  assert.equal(fromEnv.sessions.capacity.maxSessions, 3);
  await using fromOption = withEnvVars({ MAX_CONCURRENT_ENVS: "3" }, { maxConcurrentEnvs: 5 });
  assert.equal(fromOption.sessions.capacity.maxSessions, 5);
  await using bad = withEnvVars({ MAX_CONCURRENT_ENVS: "lots" });
  assert.equal(bad.sessions.capacity.maxSessions, 64, "an unusable value falls back to 64");
});

Deno.test("OPENENV_SERVER_MODE=production selects production; the option wins over it", async () => {
  await using prod = withEnvVars({ OPENENV_SERVER_MODE: "PRODUCTION" });
  assert.equal(prod.mode, "production");
  assert.equal((await prod.fetch(new Request("http://x/reset", { method: "POST" }))).status, 404);
  await using sim = withEnvVars({ OPENENV_SERVER_MODE: "production" }, { mode: "simulation" });
  assert.equal(sim.mode, "simulation");
});

Deno.test("createApp() rejects bad limits and modes with a clear error", () => {
  for (const maxConcurrentEnvs of [0, -1, 1.5]) {
    assert.throws(
      () => createApp(() => new Plain(), { action: ActionSchema, maxConcurrentEnvs }),
      (e: Error) => e instanceof RangeError && e.message.includes(`got ${maxConcurrentEnvs}`),
    );
  }
  assert.throws(
    () => createApp(() => new Plain(), { action: ActionSchema, mode: "staging" as never }),
    /Invalid mode: 'staging'. Must be one of: \['simulation', 'production'\]/,
  );
  assert.throws(() => createApp(null as never, { action: ActionSchema }), TypeError);
});

Deno.test("name and readme options reach /metadata and the OpenAPI title", async () => {
  await using app = createApp(() => new Plain(), {
    action: ActionSchema,
    name: "my_env",
    readme: "# My env",
  });
  const meta = await (await app.fetch(new Request("http://x/metadata"))).json();
  assert.equal(meta.name, "my_env");
  assert.equal(meta.readme_content, "# My env");
  assert.match((app.openapi.info as { title: string }).title, /^my_env/);
});
