// The reference's web routes (/web/metadata, /web/reset, /web/step,
// /web/state, /ws/ui) answer like the Python reference's: one probe, written
// in Python against the reference's own pydantic models, is run against the
// official Python server (ENABLE_WEB_INTERFACE=true) and against ours, and the
// two reports must be identical.
import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { startTestServer } from "@openenv/core/testing";
import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import { ensureVenvs, runInVenv, VENVS } from "../interop/_python.ts";

const PROBE = new URL("./py/web_routes_probe.py", import.meta.url).pathname;
const REFERENCE_SERVER =
  new URL("../interop/py/reference_echo_server.py", import.meta.url).pathname;

async function probe(venv: (typeof VENVS)[number], url: string): Promise<unknown> {
  const result = await runInVenv(venv, "python", [PROBE, url]);
  assert.equal(result.code, 0, `web_routes_probe.py failed under ${venv.label}:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "null");
}

/** Starts the official Python server with its web interface; resolves with its URL. */
async function startReference(venv: (typeof VENVS)[number]) {
  await ensureVenvs();
  const child = new Deno.Command(`${venv.dir}/bin/python`, {
    args: [REFERENCE_SERVER],
    env: {
      ENABLE_WEB_INTERFACE: "true",
      GRADIO_ANALYTICS_ENABLED: "False",
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      PYTHONUNBUFFERED: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeTo(new WritableStream());
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error("The reference server exited before printing its port");
    }
    line += value;
  }
  // Keep reading, so the server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  const { port } = JSON.parse(line.split("\n")[0]);
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await Promise.allSettled([stderr, drained]);
    },
  };
}

Deno.test("web interface: the reference routes answer like the official Python server's", async () => {
  await using reference = await startReference(VENVS[0]);
  const expected = await probe(VENVS[0], reference.url);

  // A fresh server per probe: the shared episode outlives a client.
  for (const venv of VENVS) {
    await using ours = startTestServer(createApp(() => new EchoEnvironment(), {
      name: "echo_env",
      action: EchoAction,
      observation: EchoObservation,
      webInterface: true,
    }));
    assert.deepEqual(await probe(venv, ours.url), expected, `probe under ${venv.label}`);
  }
});
