import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import { EnvClient, TrajectoryRecorder } from "./mod.ts";
import { JsonlFileSink, readTrajectoryFile, replayFile } from "./file_sink.ts";
import { createTestApp } from "./testdata/helpers.ts";

Deno.test("JsonlFileSink writes one file per episode and replayFile() replays it", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const dir = await Deno.makeTempDir();
  try {
    const recorder = new TrajectoryRecorder(new JsonlFileSink({ dir: `${dir}/runs/` }));
    {
      await using env = recorder.wrap(new EnvClient(server.url));
      await env.reset({ episodeId: "ep/1" });
      await env.step({ message: "a" });
      await env.reset({ episodeId: "ep-2", seed: 3 });
      await env.step({ message: "b" });
      await env.step({ message: "c" });
    }
    await recorder.close();
    const names = [...Deno.readDirSync(`${dir}/runs`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["ep-2.jsonl", "ep_1.jsonl"]);
    const text = await Deno.readTextFile(`${dir}/runs/ep-2.jsonl`);
    assert.equal(text.split("\n").length, 4); // header, two steps, final newline
    const records = await readTrajectoryFile(`${dir}/runs/ep-2.jsonl`);
    assert.deepEqual(records.map((r) => r.type), ["episode", "step", "step"]);
    await using fresh = new EnvClient(server.url);
    const report = await replayFile(`${dir}/runs/ep-2.jsonl`, fresh);
    assert.deepEqual(report, { episodes: 1, steps: 2, divergences: [], ok: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JsonlFileSink appends every episode to one file", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/all.jsonl`;
    const recorder = new TrajectoryRecorder(new JsonlFileSink({ path }));
    {
      await using env = recorder.wrap(new EnvClient(server.url));
      for (let i = 0; i < 3; i++) {
        await env.reset({ seed: i });
        await env.step({ message: `m${i}` });
      }
    }
    await recorder.close();
    const records = await readTrajectoryFile(path);
    assert.equal(records.length, 6);
    await using fresh = new EnvClient(server.url);
    const report = await replayFile(path, fresh);
    assert.equal(report.episodes, 3);
    assert.equal(report.ok, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JsonlFileSink needs exactly one of path and dir", () => {
  assert.throws(() => new JsonlFileSink({}), /exactly one of 'path'/);
  assert.throws(() => new JsonlFileSink({ path: "a", dir: "b" }), /exactly one of 'path'/);
});
