import assert from "node:assert/strict";
import { z } from "zod";
import { ActionSchema, Environment, type Observation, type State } from "../mod.ts";
import { createApp, SESSION_HEADER } from "./create_app.ts";

const Action = ActionSchema.extend({ wait: z.boolean().default(false) });

class Counter extends Environment {
  steps = 0;
  episode: string | null = null;
  reset(options: { episodeId?: string }): Observation {
    this.steps = 0;
    this.episode = options.episodeId ?? "e";
    return { done: false, reward: null, metadata: {} };
  }
  async step(action: z.infer<typeof Action>): Promise<Observation> {
    if (action.wait) await new Promise(() => {}); // never finishes
    this.steps++;
    return { done: false, reward: this.steps, metadata: {} };
  }
  get state(): State {
    return { episode_id: this.episode, step_count: this.steps };
  }
}

const call = (
  app: { fetch(r: Request): Promise<Response> },
  method: string,
  path: string,
  body?: unknown,
  session?: string,
) =>
  app.fetch(
    new Request(`http://x${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: session ? { [SESSION_HEADER]: session } : {},
    }),
  );

Deno.test("opt-in HTTP session: 'new' on /reset starts one; its id continues the episode", async () => {
  await using app = createApp(() => new Counter(), { action: Action, maxConcurrentEnvs: 2 });
  const reset = await call(app, "POST", "/reset", { episode_id: "ep" }, "new");
  assert.equal(reset.status, 200);
  const id = reset.headers.get(SESSION_HEADER)!;
  assert.match(id, /^[0-9a-f-]{36}$/);
  await reset.body?.cancel();
  for (let i = 1; i <= 2; i++) {
    const step = await call(app, "POST", "/step", { action: {} }, id);
    assert.equal((await step.json()).reward, i);
    assert.equal(step.headers.get(SESSION_HEADER), id);
  }
  const state = await call(app, "GET", "/state", undefined, id);
  assert.deepEqual(await state.json(), { episode_id: "ep", step_count: 2 });
  // Without the header, requests stay stateless.
  const fresh = await call(app, "GET", "/state");
  assert.deepEqual(await fresh.json(), { episode_id: null, step_count: 0 });
  const del = await call(app, "DELETE", "/session", undefined, id);
  assert.deepEqual(await del.json(), { session_id: id, closed: true });
  assert.equal(app.sessions.size, 0);
  const gone = await call(app, "POST", "/step", { action: {} }, id);
  assert.equal(gone.status, 404);
  assert.deepEqual(await gone.json(), { detail: `Unknown session: ${id}` });
});

Deno.test("opt-in HTTP session errors: 'new' outside /reset, unknown ids, capacity", async () => {
  await using app = createApp(() => new Counter(), { action: Action, maxConcurrentEnvs: 1 });
  const early = await call(app, "POST", "/step", { action: {} }, "new");
  assert.equal(early.status, 400);
  assert.match((await early.json()).detail, /POST \/reset/);
  const unknown = await call(app, "GET", "/state", undefined, "nope");
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  const first = await call(app, "POST", "/reset", {}, "new");
  await first.body?.cancel();
  const full = await call(app, "POST", "/reset", {}, "new");
  assert.equal(full.status, 503);
  const body = await full.json();
  assert.equal(body.code, "CAPACITY_REACHED");
  assert.equal(body.max_sessions, 1);
  const badDelete = await call(app, "DELETE", "/session", undefined, "nope");
  assert.equal(badDelete.status, 404);
  await badDelete.body?.cancel();
});

Deno.test("opt-in HTTP session: a step that times out ends the session", async () => {
  await using app = createApp(() => new Counter(), {
    action: Action,
    stepTimeoutS: 0.05,
    onError: () => {},
  });
  const reset = await call(app, "POST", "/reset", {}, "new");
  const id = reset.headers.get(SESSION_HEADER)!;
  await reset.body?.cancel();
  const hung = await call(app, "POST", "/step", { action: { wait: true } }, id);
  assert.equal(hung.status, 500);
  await hung.body?.cancel();
  const after = await call(app, "POST", "/step", { action: {} }, id);
  assert.equal(after.status, 404, "the session with a hung env is gone");
  await after.body?.cancel();
  assert.equal(app.sessions.size, 0);
});

Deno.test("opt-in HTTP sessions are reaped after httpSessionTimeoutS", async () => {
  await using app = createApp(() => new Counter(), { action: Action, httpSessionTimeoutS: 1 });
  const reset = await call(app, "POST", "/reset", {}, "new");
  const id = reset.headers.get(SESSION_HEADER)!;
  await reset.body?.cancel();
  assert.equal(await app.sessions.reapIdle(Date.now() + 2_000), 1);
  const gone = await call(app, "GET", "/state", undefined, id);
  assert.equal(gone.status, 404);
  await gone.body?.cancel();
});

Deno.test("opt-in HTTP session: a failing first reset does not leak the new session", async () => {
  class Broken extends Counter {
    override reset(): Observation {
      throw new Error("reset failed");
    }
  }
  await using app = createApp(() => new Broken(), {
    action: Action,
    maxConcurrentEnvs: 1,
    onError: () => {},
  });
  for (let i = 0; i < 3; i++) {
    const res = await call(app, "POST", "/reset", {}, "new");
    assert.equal(res.status, 500);
    assert.equal(res.headers.get(SESSION_HEADER), null);
    await res.body?.cancel();
    assert.equal(app.sessions.size, 0, "the slot is free again");
  }
});
