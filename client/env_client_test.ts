import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import { serve } from "../server/mod.ts";
import { createEchoApp, EchoAction, EchoObservation, EchoState } from "../envs/echo/mod.ts";
import {
  CapacityError,
  ClientClosedError,
  ConnectError,
  EnvClient,
  type ReconnectEvent,
  ServerError,
  SessionLostError,
  TimeoutError,
} from "./mod.ts";
import { createTestApp, startProxy, type TestObservation, until } from "./testdata/helpers.ts";

Deno.test("EnvClient drives the echo server: reset, step, state", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = new EnvClient(server.url);
  assert.equal(env.status, "idle");
  assert.equal(env.wsUrl, `ws://127.0.0.1:${server.port}/ws`);
  const first = await env.reset({ seed: 3, episodeId: "ep-1" });
  assert.equal(env.status, "open");
  assert.deepEqual(first, {
    observation: { echoed_message: "Echo environment ready!", message_length: 0 },
    reward: 0,
    done: false,
  });
  const result = await env.step({ message: "hi" });
  assert.equal(result.observation.echoed_message, "hi");
  assert.equal(result.observation.message_length, 2);
  assert.deepEqual(result.observation.metadata, { original_message: "hi", step: 1 });
  assert.equal(result.reward, 0.2);
  assert.equal(result.done, false);
  assert.deepEqual(await env.state(), { episode_id: "ep-1", step_count: 1 });
});

Deno.test("EnvClient with schemas parses observations and checks actions before sending", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = await EnvClient.connect(server.url, {
    schemas: { action: EchoAction, observation: EchoObservation, state: EchoState },
  });
  await env.reset();
  const { observation } = await env.step({ message: "abc", metadata: {} });
  // Typed: reward and done are folded into the parsed observation.
  assert.equal(observation.echoed_message, "abc");
  assert.equal(observation.reward, observation.message_length * 0.1);
  assert.equal(observation.done, false);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => env.step({ message: 42 } as any),
    (e: unknown) => e instanceof TypeError && /Invalid action: message/.test(e.message),
  );
  // Nothing was sent: the server saw one step.
  assert.equal((await env.state()).step_count, 1);
});

Deno.test("EnvClient turns error frames into ServerError and keeps the session", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient(server.url);
  await env.reset();
  await assert.rejects(() => env.step({ bogus: 1 }), (e: unknown) => {
    assert.ok(e instanceof ServerError);
    assert.equal(e.code, "VALIDATION_ERROR");
    assert.deepEqual(e.errors.map((i) => [i.type, i.loc]).sort(), [
      ["extra_forbidden", ["bogus"]],
      ["missing", ["message"]],
    ]);
    return true;
  });
  await assert.rejects(
    () => env.step({ message: "fail" }),
    (e: unknown) =>
      e instanceof ServerError && e.code === "EXECUTION_ERROR" &&
      e.message === "the environment failed on purpose",
  );
  assert.equal((await env.step({ message: "ok" })).observation.echoed, "ok");
});

Deno.test("EnvClient serializes concurrent calls on one connection", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient<{ message: string }, TestObservation>(server.url);
  await env.reset();
  const words = ["slow:30", "a", "bb", "slow:5", "ccc"];
  const results = await Promise.all(words.map((message) => env.step({ message })));
  assert.deepEqual(results.map((r) => r.observation.echoed), words);
  assert.equal((await env.state()).step_count, 5);
});

Deno.test("EnvClient times out a call, then skips its late reply", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient(server.url);
  await env.reset();
  await assert.rejects(
    () => env.step({ message: "slow:300" }, { timeoutS: 0.05 }),
    (e: unknown) => e instanceof TimeoutError && e.name === "TimeoutError" && e.timeoutS === 0.05,
  );
  // The late reply to the timed-out step must not be taken for this one.
  const next = await env.step({ message: "after" });
  assert.equal(next.observation.echoed, "after");
  assert.equal((await env.state()).step_count, 2);
});

Deno.test("EnvClient keeps replies matched when many calls time out in between", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient<{ message: string }, TestObservation>(server.url);
  await env.reset();
  // Each round: a slow step that is sent, then times out before its reply,
  // and a quick step queued behind it that must get its own reply (never the
  // late reply of the timed-out step).
  for (let i = 0; i < 10; i++) {
    const slow = env.step({ message: "slow:40" }, { timeoutS: 0.01 });
    const quick = env.step({ message: `quick-${i}` }, { timeoutS: 30 });
    await assert.rejects(slow, TimeoutError);
    assert.equal((await quick).observation.echoed, `quick-${i}`);
  }
  // Every slow step reached the server, so ten late replies were skipped.
  assert.equal(probe.stepsStarted, 20);
  assert.equal((await env.state()).step_count, 20);
});

Deno.test("EnvClient honours AbortSignal, in flight and while queued", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient(server.url);
  await env.reset();
  const inFlight = new AbortController();
  const queued = new AbortController();
  const started = probe.stepStarted;
  const a = env.step({ message: "slow:200" }, { signal: inFlight.signal });
  const b = env.step({ message: "never sent" }, { signal: queued.signal });
  a.catch(() => {}); // asserted below
  b.catch(() => {});
  await started;
  queued.abort(new Error("changed my mind"));
  inFlight.abort(new Error("stop"));
  await assert.rejects(a, { message: "stop" });
  await assert.rejects(b, { message: "changed my mind" });
  await assert.rejects(
    () => env.state({ signal: AbortSignal.abort(new Error("already")) }),
    { message: "already" },
  );
  assert.equal((await env.step({ message: "x" })).observation.echoed, "x");
  // The aborted step ran on the server (its late reply was skipped); the
  // queued one was never sent.
  assert.equal((await env.state()).step_count, 2);
  assert.equal(probe.stepsStarted, 2);
});

Deno.test("EnvClient rejects a call at once when the network drops mid-step", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using proxy = startProxy(server.port);
  await using env = new EnvClient(proxy.url, { messageTimeoutS: 0 });
  await env.reset();
  const started = probe.stepStarted;
  const step = env.step({ message: "hang" });
  step.catch(() => {}); // asserted below
  await started;
  proxy.cut();
  await assert.rejects(step, (e: unknown) => {
    assert.ok(e instanceof SessionLostError, String(e));
    assert.equal(e.inFlight, "step");
    assert.equal(e.code, "SESSION_LOST");
    return true;
  });
  assert.equal(env.status, "lost");
  // The episode is gone: a step says so instead of silently starting over.
  await assert.rejects(() => env.step({ message: "x" }), /call reset\(\) to start a new one/);
  // reset() opens a new session.
  const fresh = await env.reset({ seed: 9 });
  assert.equal(fresh.observation.echoed, "seed=9");
  assert.equal(env.status, "open");
  assert.equal(proxy.accepted, 2);
});

Deno.test("EnvClient reports a server-ended session during a step as SessionLostError", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient(server.url);
  await env.reset();
  const started = probe.stepStarted;
  const step = env.step({ message: "hang" });
  await started;
  const outcome = assert.rejects(step, (e: unknown) => {
    assert.ok(e instanceof SessionLostError, String(e));
    assert.ok(e.cause instanceof ServerError);
    assert.equal(e.cause.code, "SESSION_ERROR");
    assert.match(e.message, /Server is shutting down/);
    return true;
  });
  await app.close(); // ends every session: SESSION_ERROR frame, then close 1000
  await outcome;
});

Deno.test("EnvClient.connect() surfaces CAPACITY_REACHED as CapacityError", async () => {
  const { app } = createTestApp({ maxConcurrentEnvs: 1 });
  await using server = startTestServer(app);
  await using first = await EnvClient.connect(server.url);
  await assert.rejects(() => EnvClient.connect(server.url), (e: unknown) => {
    assert.ok(e instanceof CapacityError, String(e));
    assert.equal(e.code, "CAPACITY_REACHED");
    assert.equal(e.maxSessions, 1);
    assert.equal(e.activeSessions, 1);
    return true;
  });
  // A lazy client gets the same error from its first call.
  await using lazy = new EnvClient(server.url);
  await assert.rejects(() => lazy.reset(), CapacityError);
  await first.close();
  assert.equal((await lazy.reset({ seed: 1 })).observation.echoed, "seed=1");
});

Deno.test("EnvClient.close() ends the server session and later calls reject", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  const env = new EnvClient(server.url);
  await env.reset();
  assert.equal(app.sessions.size, 1);
  await env.close();
  await until(() => app.sessions.size === 0 && probe.closed === 1, "the server session to end");
  assert.equal(env.status, "closed");
  await assert.rejects(() => env.step({ message: "x" }), ClientClosedError);
  await env.close(); // idempotent
  await env[Symbol.asyncDispose]();
});

Deno.test("EnvClient.close() lets the call in flight finish first", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  const env = new EnvClient(server.url);
  await env.reset();
  const started = probe.stepStarted;
  const step = env.step({ message: "slow:50" });
  await started;
  await env.close();
  assert.equal((await step).observation.echoed, "slow:50");
});

Deno.test("EnvClient sends custom headers on connect", async () => {
  const echo = createEchoApp();
  const guarded = {
    ...echo,
    fetch: (request: Request) =>
      request.headers.get("authorization") === "Bearer s3cret"
        ? echo.fetch(request)
        : Promise.resolve(new Response("no", { status: 401 })),
  };
  await using server = startTestServer(guarded);
  await using denied = new EnvClient(server.url);
  await assert.rejects(() => denied.reset(), (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e));
    assert.equal(e.url, `ws://127.0.0.1:${server.port}/ws`);
    return true;
  });
  await using allowed = new EnvClient(server.url, {
    headers: { Authorization: "Bearer s3cret" },
  });
  assert.equal((await allowed.step({ message: "ok" })).observation.echoed_message, "ok");
  await echo.close();
});

Deno.test("EnvClient keepalive sends state messages while idle", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  await using env = new EnvClient(server.url, { keepaliveIntervalS: 0.02 });
  await env.reset();
  const before = probe.stateReads;
  await until(() => probe.stateReads >= before + 3, "three keepalive messages");
  assert.equal(env.status, "open");
  assert.equal((await env.step({ message: "still here" })).observation.echoed, "still here");
});

Deno.test("EnvClient reconnect policy: reconnects after a server restart and resets", async () => {
  const first = createTestApp();
  const server1 = serve(first.app, { port: 0, hostname: "127.0.0.1", onListen: () => {} });
  const port = server1.port;
  const events: ReconnectEvent<TestObservation>[] = [];
  await using env = new EnvClient<{ message: string }, TestObservation>(server1.url, {
    reconnect: {
      maxAttempts: 100,
      initialDelayS: 0.02,
      maxDelayS: 0.05,
      jitter: false,
      onReconnect: (e) => events.push(e),
    },
  });
  await env.reset({ seed: 5 });
  await env.step({ message: "a" });
  // A step in flight when the server goes away is reported lost, not replayed.
  const started = first.probe.stepStarted;
  const inFlight = assert.rejects(env.step({ message: "hang" }), SessionLostError);
  await started;
  await server1.shutdown();
  await inFlight;
  assert.equal(env.status, "lost");

  // The next step reconnects (the server comes back on the same port while
  // the client is retrying), resets with the last options, then runs.
  const second = createTestApp();
  let server2: ReturnType<typeof serve> | undefined;
  const restart = setTimeout(() => {
    server2 = serve(second.app, { port, hostname: "127.0.0.1", onListen: () => {} });
  }, 100);
  try {
    const result = await env.step({ message: "b" });
    assert.equal(result.observation.echoed, "b");
    assert.equal(events.length, 1);
    assert.equal(events[0].result?.observation.echoed, "seed=5");
    assert.ok(events[0].attempts > 1, `reconnected after ${events[0].attempts} attempt(s)`);
    assert.equal(env.reconnects, 1);
    assert.equal(second.probe.stepsStarted, 1); // "hang" was not replayed
    assert.equal((await env.state()).step_count, 1);
  } finally {
    clearTimeout(restart);
    await env.close();
    await server2?.shutdown();
  }
});

Deno.test("EnvClient reconnect policy gives up after maxAttempts", async () => {
  const { app } = createTestApp();
  const server = serve(app, { port: 0, hostname: "127.0.0.1", onListen: () => {} });
  await using env = new EnvClient(server.url, {
    reconnect: { maxAttempts: 3, initialDelayS: 0.01, jitter: false },
  });
  await env.reset();
  await server.shutdown();
  await until(() => env.status === "lost", "the client to notice the loss");
  await assert.rejects(() => env.step({ message: "x" }), (e: unknown) => {
    assert.ok(e instanceof SessionLostError);
    assert.match(e.message, /after 3 attempt\(s\)/);
    assert.ok(e.cause instanceof ConnectError);
    return true;
  });
});

Deno.test("EnvClient validates its options and URL", () => {
  assert.throws(() => new EnvClient("ftp://x"), /Unsupported URL scheme 'ftp'/);
  assert.throws(() => new EnvClient(""), TypeError);
  assert.throws(() => new EnvClient("http://x", { connectTimeoutS: 0 }), RangeError);
  assert.throws(() => new EnvClient("http://x", { reconnect: { maxAttempts: 0 } }), RangeError);
  assert.equal(new EnvClient("https://h.example/x/").wsUrl, "wss://h.example/x/ws");
});

Deno.test("EnvClient connect errors are clear", async () => {
  // A port nobody listens on.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await using env = new EnvClient(`http://127.0.0.1:${port}`);
  await assert.rejects(() => env.reset(), (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e));
    assert.match(e.message, new RegExp(`Cannot connect to 'ws://127.0.0.1:${port}/ws'`));
    return true;
  });
  assert.equal(env.status, "idle");
});
