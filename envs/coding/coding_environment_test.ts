import assert from "node:assert/strict";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import { createCodingApp } from "./app.ts";
import { CodingEnvironment } from "./coding_environment.ts";

const step = (env: CodingEnvironment, code: string) => env.step({ code, metadata: {} });

Deno.test("coding environment: REPL semantics, persistence, reset and rewards", async () => {
  await using env = new CodingEnvironment({ timeoutS: 10, maxSteps: 6 });
  const first = await env.reset({ episodeId: "ep-1" });
  assert.equal(first.exit_code, 0);
  assert.equal(first.reward, 0);
  assert.deepEqual(env.state, { episode_id: "ep-1", step_count: 0, last_exit_code: 0 });

  const define = await step(env, "import math\ndef area(r):\n    return math.pi * r * r\nx = 21");
  assert.equal(define.exit_code, 0, define.stderr);
  assert.equal(define.stdout, "");
  const use = await step(env, "print(x * 2)\nround(area(1), 2)");
  assert.equal(use.stdout, "42\n3.14\n");
  assert.equal(use.reward, 0.1);

  // Prints before an error are kept (the reference loses them), with a traceback.
  const failing = await step(env, "print('before')\nraise ValueError('bad value')");
  assert.equal(failing.exit_code, 1);
  assert.equal(failing.stdout, "before\n");
  assert.equal(failing.metadata.error, "ValueError: bad value");
  assert.match(failing.stderr, /Traceback \(most recent call last\):\n {2}File "<cell 3>", line 2/);
  assert.equal(env.state.last_exit_code, 1);

  const exit = await step(env, "import sys\nsys.exit(3)");
  assert.equal(exit.exit_code, 3);
  const syntax = await step(env, "def broken(:");
  assert.equal(syntax.exit_code, 1);
  assert.match(syntax.metadata.error ?? "", /^SyntaxError/);
  assert.equal(syntax.reward, -0.1);
  const dangerous = await step(env, "import os");
  assert.equal(dangerous.reward, -0.9);
  assert.equal(dangerous.metadata.safety_violation, String.raw`import\s+os`);
  assert.equal(dangerous.done, true, "maxSteps ends the episode");
  assert.equal(env.state.step_count, 6);

  await env.reset({});
  const cleared = await step(env, "print(x)");
  assert.equal(cleared.exit_code, 1);
  assert.equal(cleared.metadata.error, "NameError: name 'x' is not defined");
  assert.equal(cleared.done, false);
});

Deno.test("coding server: a session over /ws survives a runaway step", async () => {
  const app = createCodingApp({ timeoutS: 2, maxConcurrentEnvs: 2 });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  const reset = await ws.request({ type: "reset", data: {} }, 60_000) as {
    type: string;
    data: { observation: Record<string, unknown>; reward: number; done: boolean };
  };
  assert.equal(reset.type, "observation");
  assert.equal(reset.data.observation.exit_code, 0);
  const set = await ws.request({ type: "step", data: { code: "total = sum(range(10))" } }, 30_000);
  assert.equal((set as { type: string }).type, "observation");
  const loop = await ws.request({ type: "step", data: { code: "while True: pass" } }, 30_000) as {
    data: { observation: { exit_code: number; metadata: { timed_out: boolean } } };
  };
  assert.equal(loop.data.observation.metadata.timed_out, true);
  assert.equal(loop.data.observation.exit_code, 124);
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const after = await ws.request(
    { type: "step", data: { code: "print('alive', total)" } },
    30_000,
  ) as {
    data: { observation: Record<string, unknown>; reward: number };
  };
  assert.equal(after.data.observation.stdout, "alive 45\n", "variables survive the timeout");
  assert.equal(after.data.reward, 0.1);
  const state = await ws.request({ type: "state" }, 10_000) as { data: Record<string, unknown> };
  assert.equal(state.data.step_count, 3);
  assert.equal(state.data.last_exit_code, 0);
  const bad = await ws.request({ type: "step", data: { cod: "typo" } }, 10_000) as {
    type: string;
    data: { code: string };
  };
  assert.equal(bad.type, "error");
  assert.equal(bad.data.code, "VALIDATION_ERROR");
});

Deno.test("coding sessions are isolated: each has its own interpreter", async () => {
  await using a = new CodingEnvironment({ timeoutS: 10 });
  await using b = new CodingEnvironment({ timeoutS: 10 });
  await Promise.all([a.reset({}), b.reset({})]);
  await Promise.all([step(a, "who = 'a'"), step(b, "who = 'b'")]);
  await step(a, "import math\nmath.tau = 1");
  const [fromA, fromB] = await Promise.all([step(a, "who, math.tau"), step(b, "who")]);
  assert.equal(fromA.stdout, "('a', 1)\n");
  assert.equal(fromB.stdout, "'b'\n");
  const tauB = await step(b, "import math\nmath.tau > 6");
  assert.equal(tauB.stdout, "True\n", "a module patched in one session is untouched in the other");
});
