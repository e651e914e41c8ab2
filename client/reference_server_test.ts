// Our client against the official Python OpenEnv server (PyPI `openenv`
// 0.3.1, in the venv made by tests/interop/setup.sh): a small echo
// environment served by the reference's create_app on uvicorn
// (tests/interop/py/reference_echo_server.py).
import assert from "node:assert/strict";
import { z } from "zod";
import {
  CapacityError,
  EnvClient,
  HttpEnvClient,
  HttpError,
  ProtocolError,
  ServerError,
  type StepResult,
} from "./mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const VENV = `${ROOT}.cache/interop/openenv-0.3.1`;
const PYTHON = `${VENV}/bin/python`;
const PY_DIR = `${ROOT}tests/interop/py`;

async function venvReady(): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import openenv.core, uvicorn"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function ensureVenv(): Promise<void> {
  if (await venvReady()) return;
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}tests/interop/setup.sh`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success || !await venvReady()) {
    const text = new TextDecoder();
    throw new Error(
      `The official Python OpenEnv is missing from '${VENV}' and "bash tests/interop/setup.sh" ` +
        `could not install it (it needs python3 with venv and pip, and PyPI):\n` +
        text.decode(out.stdout) + text.decode(out.stderr),
    );
  }
}

interface ReferenceServer {
  url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

async function startReferenceServer(maxConcurrentEnvs: number): Promise<ReferenceServer> {
  await ensureVenv();
  const child = new Deno.Command(PYTHON, {
    args: [
      `${PY_DIR}/reference_echo_server.py`,
      "--max-concurrent-envs",
      String(maxConcurrentEnvs),
    ],
    stdout: "piped",
    stderr: "piped",
    env: { ENABLE_WEB_INTERFACE: "false", PYTHONUNBUFFERED: "1" },
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    await child.status;
  };
  const errText = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, 180_000);
  try {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(
          `The reference server exited before listening:\n${await errText}`,
        );
      }
      buffered += value;
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const { port } = JSON.parse(buffered.split("\n")[0]) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  // uvicorn prints nothing when ready: poll /health.
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    [Symbol.asyncDispose]: async () => {
      await stop();
      await errText;
    },
  };
}

async function runPythonClient(url: string): Promise<unknown> {
  const out = await new Deno.Command(PYTHON, {
    args: [`${PY_DIR}/reference_client_run.py`, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`The Python client run failed:\n${text.decode(out.stderr)}`);
  }
  return JSON.parse(text.decode(out.stdout));
}

const RefObservation = z.object({
  echoed_message: z.string(),
  message_length: z.number().int(),
  reward: z.number().nullable(),
  done: z.boolean(),
});

Deno.test("EnvClient drives the official Python OpenEnv server", async (t) => {
  await using server = await startReferenceServer(2);

  await t.step("reset, step and state", async () => {
    await using env = new EnvClient(server.url);
    const first = await env.reset({ seed: 3, episodeId: "ts-1" });
    assert.deepEqual(first, {
      observation: { echoed_message: "ready seed=3", message_length: 0 },
      reward: 0,
      done: false,
    });
    const hi = await env.step({ message: "hi" });
    // The reference drops observation metadata on the wire.
    assert.deepEqual(hi, {
      observation: { echoed_message: "hi", message_length: 2 },
      reward: 0.2,
      done: false,
    });
    assert.equal((await env.step({ message: "bye" })).done, true);
    assert.deepEqual(await env.state(), { episode_id: "ts-1", step_count: 2 });
  });

  await t.step("gets the same values as the official Python client", async () => {
    const python = await runPythonClient(server.url);
    await using env = new EnvClient(server.url);
    const results: StepResult<Record<string, unknown>>[] = [
      await env.reset({ seed: 3, episodeId: "same-episode" }),
    ];
    for (const message of ["hi", "héllo wörld", "bye"]) results.push(await env.step({ message }));
    const ours = { results, state: await env.state() };
    assert.deepEqual(ours, python);
  });

  await t.step("typed with zod schemas", async () => {
    await using env = await EnvClient.connect(server.url, {
      schemas: { observation: RefObservation },
    });
    await env.reset();
    const { observation } = await env.step({ message: "abcd" });
    assert.equal(observation.message_length, 4);
    assert.equal(observation.reward, 0.4);
    assert.equal(observation.done, false);
  });

  await t.step("server errors keep their wire code and details", async () => {
    await using env = new EnvClient(server.url);
    await env.reset();
    await assert.rejects(() => env.step({ bogus: 1 }), (e: unknown) => {
      assert.ok(e instanceof ServerError, String(e));
      assert.equal(e.code, "VALIDATION_ERROR");
      assert.deepEqual(e.errors.map((i) => [i.type, i.loc]).sort(), [
        ["extra_forbidden", ["bogus"]],
        ["missing", ["message"]],
      ]);
      return true;
    });
    await assert.rejects(() => env.step({ message: "fail" }), (e: unknown) => {
      assert.ok(e instanceof ServerError, String(e));
      assert.equal(e.code, "EXECUTION_ERROR");
      assert.match(e.message, /failed on purpose/);
      return true;
    });
    // The session survives both.
    assert.equal((await env.step({ message: "ok" })).observation.echoed_message, "ok");
  });

  await t.step(
    "capacity: the third session gets CapacityError, a freed slot is reusable",
    async () => {
      const a = await EnvClient.connect(server.url);
      await using b = await EnvClient.connect(server.url);
      await assert.rejects(() => EnvClient.connect(server.url), (e: unknown) => {
        assert.ok(e instanceof CapacityError, String(e));
        assert.equal(e.maxSessions, 2);
        return true;
      });
      await a.close();
      // close() waited for the server to close the socket, so the slot is free.
      await using c = await EnvClient.connect(server.url);
      assert.equal((await c.reset()).observation.echoed_message, "ready");
      assert.equal((await b.step({ message: "b" })).observation.echoed_message, "b");
    },
  );

  await t.step("HttpEnvClient on the reference HTTP routes", async () => {
    await using env = new HttpEnvClient(server.url);
    assert.equal((await env.health()).status, "healthy");
    const reset = await env.reset({ seed: 1 });
    assert.equal(reset.observation.echoed_message, "ready seed=1");
    const step = await env.step({ message: "xyz" }, { requestId: "r-1", stepTimeoutS: 5 });
    assert.deepEqual(step, {
      observation: { echoed_message: "xyz", message_length: 3 },
      reward: 0.30000000000000004,
      done: false,
    });
    const meta = await env.metadata();
    assert.equal(typeof meta.name, "string");
    const schema = await env.schema();
    assert.match(JSON.stringify(schema.action), /"message"/);
    await assert.rejects(() => env.step({ nope: 1 }), (e: unknown) => {
      assert.ok(e instanceof HttpError, String(e));
      assert.equal(e.status, 422);
      assert.ok(e.errors.some((i) => i.loc.includes("message") && i.type === "missing"));
      return true;
    });
    // The reference has no stateful HTTP: asking for it is a clear error, not
    // a silent fresh environment on every call.
    await using stateful = new HttpEnvClient(server.url, { session: true });
    await assert.rejects(
      () => stateful.reset(),
      (e: unknown) => e instanceof ProtocolError && /did not open an HTTP session/.test(e.message),
    );
  });
});
