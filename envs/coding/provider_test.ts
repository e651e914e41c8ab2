import assert from "node:assert/strict";
import { ProcessProvider } from "@openenv/core/providers";
import { openRawSocket } from "@openenv/core/testing";
import { resolvePyodideDir } from "./python_sandbox.ts";

Deno.test("the process provider runs the coding env with only the permissions its manifest asks for", async () => {
  await using provider = new ProcessProvider();
  await using env = await provider.start({
    module: new URL(".", import.meta.url).pathname,
    // Bundled (the default): the server finds Pyodide through CODING_PYODIDE_DIR
    // and needs no read access itself; only its interpreters read that directory.
    env: { CODING_TIMEOUT_S: "5", CODING_PYODIDE_DIR: await resolvePyodideDir() },
    healthTimeoutMs: 60_000,
  });
  assert.ok(env.args.includes("--allow-run=deno"));
  assert.ok(!env.args.some((a) => a.startsWith("--allow-read") || a.startsWith("--allow-write")));
  const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
  try {
    const reset = await ws.request({ type: "reset", data: {} }, 120_000) as { type: string };
    assert.equal(reset.type, "observation");
    const step = await ws.request(
      { type: "step", data: { code: "print(sum(range(5)))" } },
      60_000,
    ) as {
      data: { observation: { stdout: string } };
    };
    assert.equal(step.data.observation.stdout, "10\n");
    const loop = await ws.request({ type: "step", data: { code: "while True: pass" } }, 60_000) as {
      data: { observation: { metadata: { timed_out: boolean; error: string } } };
    };
    assert.equal(loop.data.observation.metadata.timed_out, true);
    assert.match(loop.data.observation.metadata.error, /exceeded 5 s/);
  } finally {
    await ws.close();
  }
});
