import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import {
  CapacityError,
  EnvPool,
  HttpEnvClient,
  ServerError,
  SessionLostError,
  type StepResult,
} from "./mod.ts";
import { createTestApp, startProxy, type TestObservation, until } from "./testdata/helpers.ts";

type Msg = { message: string };

Deno.test("EnvPool isolates a killed session and replace() brings the slot back", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using proxy = startProxy(server.port);
  await using pool = new EnvPool<Msg, TestObservation>({
    urls: [server.url, server.url, proxy.url, server.url],
    size: 4,
  });
  const resets = await pool.resetAll((i) => ({ seed: i }));
  assert.deepEqual(
    resets.map((o) => o.status === "fulfilled" && o.value.observation.echoed),
    ["seed=0", "seed=1", "seed=2", "seed=3"],
  );
  assert.equal(app.sessions.size, 4);

  const batch = pool.stepAll([{ message: "a" }, { message: "b" }, { message: "hang" }, {
    message: "d",
  }]);
  await until(() => probe.stepsStarted === 4, "all four steps to start");
  proxy.cut();
  const outcomes = await batch;
  assert.deepEqual(outcomes.map((o) => o.status), [
    "fulfilled",
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.status === "fulfilled" ? o.value.observation.echoed : null),
    ["a", "b", null, "d"],
  );
  const lost = outcomes[2] as PromiseRejectedResult;
  assert.ok(lost.reason instanceof SessionLostError, String(lost.reason));
  assert.equal(pool.healthy, 3);
  const info = pool.info();
  assert.equal(info[2].healthy, false);
  assert.equal(info[2].url, proxy.url);
  assert.ok(info[2].lastError instanceof SessionLostError);

  // The others are unaffected and keep their episodes.
  const next = await pool.stepAll([{ message: "a2" }, { message: "b2" }, { message: "x" }, {
    message: "d2",
  }]);
  assert.deepEqual(next.map((o) => o.status), ["fulfilled", "fulfilled", "rejected", "fulfilled"]);
  const states = await pool.stateAll();
  assert.equal((states[0] as PromiseFulfilledResult<{ step_count: number }>).value.step_count, 2);
  assert.equal(states[2].status, "rejected");

  await pool.replace(2);
  assert.equal(pool.healthy, 4);
  const again = await pool.resetAll({ seed: 7 }, { indices: [2] });
  assert.equal(again.length, 1);
  assert.equal(
    (again[0] as PromiseFulfilledResult<StepResult<TestObservation>>).value.observation.echoed,
    "seed=7",
  );
  const last = await pool.stepAll(pool.indices.map((i) => ({ message: `m${i}` })));
  assert.ok(last.every((o) => o.status === "fulfilled"));
  assert.equal(proxy.accepted, 2);
});

Deno.test("EnvPool bounds concurrency and keeps results in slot order", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using pool = new EnvPool<Msg, TestObservation>({
    urls: server.url,
    size: 6,
    concurrency: 2,
  });
  await pool.resetAll();
  const delays = [100, 60, 30, 1, 20, 2];
  const out = await pool.stepAll(delays.map((d) => ({ message: `slow:${d}` })));
  assert.deepEqual(
    out.map((o) => o.status === "fulfilled" ? o.value.observation.echoed : o.reason),
    delays.map((d) => `slow:${d}`),
  );
  assert.equal(probe.maxInFlight, 2);
});

Deno.test("EnvPool keeps a slot healthy after an environment error", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using pool = new EnvPool<Msg, TestObservation>({ urls: server.url, size: 2 });
  const out = await pool.stepAll([{ message: "fail" }, { message: "ok" }]);
  assert.equal(out[0].status, "rejected");
  assert.ok((out[0] as PromiseRejectedResult).reason instanceof ServerError);
  assert.equal(out[1].status, "fulfilled");
  assert.equal(pool.healthy, 2);
  await assert.rejects(() => pool.stepAll([{ message: "one" }]), /one action per session: got 1/);
  assert.throws(() => pool.session(5), /No pool slot 5/);
});

Deno.test("EnvPool spreads sessions over several servers", async () => {
  const a = createTestApp();
  const b = createTestApp();
  await using serverA = startTestServer(a.app);
  await using serverB = startTestServer(b.app);
  await using pool = await EnvPool.connect({ urls: [serverA.url, serverB.url], size: 4 });
  assert.equal(a.app.sessions.size, 2);
  assert.equal(b.app.sessions.size, 2);
  await pool.close();
  await until(() => a.app.sessions.size + b.app.sessions.size === 0, "sessions to close");
});

Deno.test("EnvPool.connect() fails as a whole, closing what it opened, when a slot cannot connect", async () => {
  const { app } = createTestApp({ maxConcurrentEnvs: 2 });
  await using server = startTestServer(app);
  await assert.rejects(() => EnvPool.connect({ urls: server.url, size: 3 }), (e: unknown) => {
    assert.ok(e instanceof AggregateError);
    assert.match(e.message, /Cannot connect 1 of 3 pool session/);
    assert.ok(e.errors[0] instanceof CapacityError);
    return true;
  });
  await until(() => app.sessions.size === 0, "opened sessions to close");
});

Deno.test("EnvPool works over HttpEnvClient sessions", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using pool = new EnvPool<Msg, TestObservation>({
    urls: server.url,
    size: 3,
    createSession: (url) => new HttpEnvClient(url, { session: true }),
  });
  await pool.resetAll();
  assert.equal(app.sessions.size, 3);
  const out = await pool.stepAll([{ message: "x" }, { message: "y" }, { message: "z" }]);
  assert.deepEqual(
    out.map((o) => o.status === "fulfilled" && o.value.observation.echoed),
    ["x", "y", "z"],
  );
  await pool.close();
  assert.equal(app.sessions.size, 0);
});

Deno.test("EnvPool.stepAll() with indices steps only those slots", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using pool = new EnvPool<Msg, TestObservation>({ urls: server.url, size: 3 });
  await pool.resetAll();
  const out = await pool.stepAll([{ message: "two" }, { message: "zero" }], { indices: [2, 0] });
  assert.deepEqual(
    out.map((o) => o.status === "fulfilled" && o.value.observation.echoed),
    ["two", "zero"],
  );
  const states = await pool.stateAll();
  assert.deepEqual(
    states.map((s) => s.status === "fulfilled" && (s.value as { step_count: number }).step_count),
    [1, 0, 1],
  );
  await assert.rejects(
    () => pool.stepAll([{ message: "x" }], { indices: [0, 1] }),
    /one action per index: got 1 action\(s\) for 2 index\(es\)/,
  );
  await assert.rejects(
    () => pool.stepAll([{ message: "x" }, { message: "y" }], { indices: [1, 1] }),
    /repeat a slot: 1, 1/,
  );
  await assert.rejects(() => pool.stepAll([{ message: "x" }], { indices: [7] }), /No pool slot 7/);
});
