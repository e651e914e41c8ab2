import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import { createEchoApp, EchoAction, EchoObservation, EchoState } from "../envs/echo/mod.ts";
import { ClientClosedError, ConnectError, HttpEnvClient, HttpError, TimeoutError } from "./mod.ts";
import { createTestApp } from "./testdata/helpers.ts";

Deno.test("HttpEnvClient uses the stateless routes", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = new HttpEnvClient(`${server.url}/`);
  assert.equal(env.baseUrl, server.url);
  const first = await env.reset({ seed: 1, episodeId: "e" });
  assert.equal(first.observation.echoed_message, "Echo environment ready!");
  const result = await env.step({ message: "hey" });
  assert.equal(result.observation.echoed_message, "hey");
  assert.equal(result.reward, 0.30000000000000004);
  assert.equal(result.done, false);
  // Stateless: every call gets a fresh environment.
  assert.equal((await env.state()).step_count, 0);
  assert.equal(env.sessionId, undefined);
  assert.deepEqual(await env.health(), { status: "healthy" });
  const meta = await env.metadata();
  assert.equal(meta.name, "echo_env");
  assert.equal(typeof meta.description, "string");
  const schema = await env.schema();
  assert.match(JSON.stringify(schema.action), /"message"/);
  assert.equal(typeof schema.observation, "object");
  assert.equal(typeof schema.state, "object");
});

Deno.test("HttpEnvClient with schemas parses observations and state", async () => {
  await using server = startTestServer(createEchoApp());
  await using env = new HttpEnvClient(server.url, {
    schemas: { action: EchoAction, observation: EchoObservation, state: EchoState },
  });
  const { observation } = await env.step({ message: "ab", metadata: {} });
  assert.equal(observation.message_length, 2);
  assert.equal(observation.done, false);
  assert.equal(observation.reward, 0.2);
  assert.equal(typeof (await env.state()).step_count, "number");
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => env.step({ msg: "x" } as any),
    /Invalid action/,
  );
});

Deno.test("HttpEnvClient stateful session: new, reuse, DELETE on close", async () => {
  const { app, probe } = createTestApp();
  await using server = startTestServer(app);
  const env = new HttpEnvClient(server.url, { session: true });
  await env.reset({ seed: 4, episodeId: "http-ep" });
  const id = env.sessionId;
  assert.ok(id && id.length > 10, `session id ${id}`);
  assert.equal(app.sessions.size, 1);
  await env.step({ message: "one" }, { requestId: "r-1", stepTimeoutS: 5 });
  await env.step({ message: "two" });
  assert.deepEqual(await env.state(), { episode_id: "http-ep", step_count: 2 });
  assert.equal(env.sessionId, id);
  await env.close();
  assert.equal(app.sessions.size, 0);
  assert.equal(probe.closed, 1);
  await assert.rejects(() => env.state(), ClientClosedError);
  await env.close();
});

Deno.test("HttpEnvClient stateful reset starts a new session when the old one is gone", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using env = new HttpEnvClient(server.url, { session: true });
  await env.reset();
  const old = env.sessionId!;
  await app.sessions.destroy(old);
  await assert.rejects(() => env.step({ message: "x" }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 404);
    assert.match(e.message, /Unknown session/);
    return true;
  });
  await env.reset();
  assert.notEqual(env.sessionId, old);
  assert.equal((await env.step({ message: "y" })).observation.echoed, "y");
});

Deno.test("HttpEnvClient maps errors: 422 detail list, 500, unreachable, timeout", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  await using env = new HttpEnvClient(server.url);
  await assert.rejects(() => env.step({ bogus: true }), (e: unknown) => {
    assert.ok(e instanceof HttpError, String(e));
    assert.equal(e.status, 422);
    assert.equal(e.code, "HTTP_422");
    assert.deepEqual(e.errors.map((i) => i.loc).sort(), [["bogus"], ["message"]]);
    return true;
  });
  await assert.rejects(() => env.reset({ seed: -1 }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 422);
    assert.deepEqual(e.errors[0].loc, ["body", "seed"]);
    return true;
  });
  await assert.rejects(() => env.step({ message: "fail" }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 500);
    return true;
  });
  await assert.rejects(
    () => env.step({ message: "slow:300" }, { timeoutS: 0.05 }),
    TimeoutError,
  );
  const ctrl = new AbortController();
  const p = env.step({ message: "slow:300" }, { signal: ctrl.signal });
  ctrl.abort(new Error("cancelled"));
  await assert.rejects(p, { message: "cancelled" });

  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await using dead = new HttpEnvClient(`127.0.0.1:${port}`);
  await assert.rejects(() => dead.health(), ConnectError);
});

Deno.test("HttpEnvClient sends custom headers", async () => {
  const echo = createEchoApp();
  const seen: (string | null)[] = [];
  await using server = startTestServer({
    ...echo,
    fetch: (request: Request) => {
      seen.push(request.headers.get("authorization"));
      return echo.fetch(request);
    },
  });
  await using env = new HttpEnvClient(server.url, { headers: { Authorization: "Bearer t" } });
  await env.health();
  assert.deepEqual(seen, ["Bearer t"]);
  await echo.close();
});
