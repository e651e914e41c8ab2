import assert from "node:assert/strict";
import { ProcessProvider } from "@openenv/core/providers";
import { openRawSocket } from "@openenv/core/testing";
import { atariPython } from "./_test_python.ts";

Deno.test("the process provider runs the Atari env with only the permissions its manifest asks for", async () => {
  const python = await atariPython();
  await using provider = new ProcessProvider();
  await using env = await provider.start({
    module: new URL(".", import.meta.url).pathname,
    env: { ATARI_PYTHON: python, ATARI_GAME: "breakout", ATARI_OBS_TYPE: "ram" },
    permissions: { run: [python] },
    healthTimeoutMs: 60_000,
  });
  // Spawning is limited to the interpreters named; the file system is not granted.
  assert.ok(env.args.some((a) => a.startsWith("--allow-run=") && a.includes(python)));
  assert.ok(!env.args.some((a) => a.startsWith("--allow-write")));
  const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
  try {
    const reset = await ws.request({ type: "reset", data: {} }, 30_000) as {
      data: { observation: { game_name: string; screen_shape: number[] } };
    };
    assert.equal(reset.data.observation.game_name, "breakout");
    assert.deepEqual(reset.data.observation.screen_shape, [128]);
    const step = await ws.request({ type: "step", data: { action_id: 1 } }, 30_000) as {
      type: string;
    };
    assert.equal(step.type, "observation");
  } finally {
    await ws.close();
  }
});
