import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import {
  EnvClient,
  EnvPool,
  type EpisodeRecord,
  MemorySink,
  parseTrajectory,
  replay,
  type StepRecord,
  TrajectoryRecorder,
} from "./mod.ts";
import { createTestApp, TestAction, TestObservation } from "./testdata/helpers.ts";

Deno.test("TrajectoryRecorder writes an episode header and one line per step", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const sink = new MemorySink();
  const recorder = new TrajectoryRecorder(sink);
  await using env = recorder.wrap(
    new EnvClient(server.url, { schemas: { action: TestAction, observation: TestObservation } }),
    { label: "w1" },
  );
  assert.equal(env.episodeId, undefined);
  await env.reset({ seed: 2, episodeId: "t1" });
  assert.equal(env.episodeId, "t1");
  await env.step({ message: "a", metadata: {} });
  await assert.rejects(() => env.step({ message: "fail", metadata: {} }));
  // Refused locally (not an action): nothing reached the server, nothing recorded.
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => env.step({ message: 1 } as any), TypeError);
  await env.step({ message: "bye", metadata: {} });
  await recorder.close();

  const [header, ...steps] = sink.records as [EpisodeRecord, ...StepRecord[]];
  assert.equal(header.type, "episode");
  assert.equal(header.version, 1);
  assert.equal(header.episode_id, "t1");
  assert.equal(header.session, "w1");
  assert.deepEqual(header.reset_options, { seed: 2, episodeId: "t1" });
  assert.deepEqual(header.observation, {
    echoed: "seed=2",
    reward: 0,
    done: false,
    metadata: {},
  });
  assert.ok(!Number.isNaN(Date.parse(header.started_at)));
  assert.equal(typeof header.timing_ms, "number");
  assert.deepEqual(steps.map((s) => [s.type, s.episode_id, s.step]), [
    ["step", "t1", 1],
    ["step", "t1", 2],
    ["step", "t1", 3],
  ]);
  assert.deepEqual(steps[0].action, { message: "a", metadata: {} });
  assert.equal(steps[0].reward, 1);
  assert.equal(steps[0].done, false);
  assert.deepEqual(steps[1].error, {
    name: "ServerError",
    code: "EXECUTION_ERROR",
    message: "the environment failed on purpose",
  });
  assert.equal(steps[1].observation, undefined);
  assert.equal(steps[2].done, true);
  assert.ok(steps.every((s) => typeof s.timing_ms === "number" && s.timing_ms >= 0));
  assert.equal(recorder.episodes, 1);
  assert.equal(recorder.steps, 3);
  // JSONL round trip.
  assert.deepEqual(parseTrajectory(sink.toJsonl()), sink.records);
});

Deno.test("replay() re-sends the actions and finds no divergence on the same environment", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const sink = new MemorySink();
  const recorder = new TrajectoryRecorder(sink);
  {
    await using env = recorder.wrap(new EnvClient(server.url));
    await env.reset({ seed: 1 });
    await env.step({ message: "x" });
    await assert.rejects(() => env.step({ message: "fail" }));
    await env.step({ message: "yy" });
  }
  await recorder.close();
  await using fresh = new EnvClient(server.url);
  const report = await replay(sink.toJsonl(), fresh);
  assert.deepEqual(report, { episodes: 1, steps: 3, divergences: [], ok: true });
});

Deno.test("replay() reports each divergence with its step and field", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const sink = new MemorySink();
  const recorder = new TrajectoryRecorder(sink);
  {
    await using env = recorder.wrap(new EnvClient(server.url));
    await env.reset({ episodeId: "e" });
    await env.step({ message: "ab" });
    await env.step({ message: "cd" });
    await assert.rejects(() => env.step({ message: "fail" }));
  }
  await recorder.close();
  // Pretend the environment used to behave differently.
  const records = structuredClone(sink.records) as [EpisodeRecord, ...StepRecord[]];
  records[1].reward = 99;
  (records[2].observation as Record<string, unknown>).echoed = "zz";
  records[3] = { ...records[3], error: undefined, observation: {}, reward: 0, done: false };
  await using fresh = new EnvClient(server.url);
  const report = await replay(records, fresh);
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.divergences.map((d) => [d.episode_id, d.step, d.field, d.expected, d.actual]),
    [
      ["e", 1, "reward", 99, 2],
      ["e", 2, "observation", { echoed: "zz" }, { echoed: "cd" }],
      ["e", 3, "error", null, {
        name: "ServerError",
        code: "EXECUTION_ERROR",
        message: "the environment failed on purpose",
      }],
    ],
  );
  // Ignored keys are not compared.
  const relaxed = await replay(records.slice(0, 3), fresh, { ignoreKeys: ["echoed"] });
  assert.deepEqual(relaxed.divergences.map((d) => d.field), ["reward"]);
});

Deno.test("TrajectoryRecorder records every session of a pool", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const sink = new MemorySink();
  const recorder = new TrajectoryRecorder(sink);
  await using pool = new EnvPool<{ message: string }, TestObservation>({
    urls: server.url,
    size: 2,
    recorder,
  });
  await pool.resetAll((i) => ({ episodeId: `p${i}` }));
  await pool.stepAll([{ message: "a" }, { message: "b" }]);
  await recorder.close();
  const headers = sink.records.filter((r) => r.type === "episode") as EpisodeRecord[];
  assert.deepEqual(headers.map((h) => [h.episode_id, h.session]).sort(), [["p0", "0"], [
    "p1",
    "1",
  ]]);
  const steps = sink.records.filter((r) => r.type === "step") as StepRecord[];
  assert.deepEqual(steps.map((s) => [s.episode_id, s.action]).sort(), [
    ["p0", { message: "a" }],
    ["p1", { message: "b" }],
  ]);
});

Deno.test("TrajectoryRecorder keeps step results when the sink fails, and says so on close", async () => {
  const { app } = createTestApp();
  await using server = startTestServer(app);
  const recorder = new TrajectoryRecorder({
    write: () => {
      throw new Error("disk full");
    },
  });
  await using env = recorder.wrap(new EnvClient(server.url));
  await env.reset();
  assert.equal((await env.step({ message: "kept" })).observation.echoed, "kept");
  await assert.rejects(() => recorder.close(), (e: unknown) => {
    assert.match((e as Error).message, /sink failed 2 time\(s\)/);
    assert.equal(((e as Error).cause as Error).message, "disk full");
    return true;
  });
});

Deno.test("parseTrajectory names the bad line", () => {
  const good = '{"type":"episode","episode_id":"e","version":1}';
  assert.throws(
    () => parseTrajectory(`${good}\n{oops\n`),
    /Line 2 of the trajectory is not valid JSON/,
  );
  assert.throws(
    () => parseTrajectory(`${good}\n{"type":"x"}\n`),
    /Line 2 .* not an episode or step/,
  );
  assert.equal(parseTrajectory(`\n${good}\n\n`).length, 1);
});
