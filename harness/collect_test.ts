import assert from "node:assert/strict";
import { z } from "zod";
import { createEchoApp } from "@openenv/echo";
import { ActionSchema, Environment, type Observation, type State, type ToolInfo } from "../mod.ts";
import { createApp } from "../server/mod.ts";
import { startOpenAIStandIn, startTestServer } from "../testing/mod.ts";
import { collect } from "./collect.ts";
import { evaluate } from "./evaluate.ts";
import { openAIChatPolicy } from "./openai_policy.ts";
import type { EpisodeRecord, TrajectoryRecord } from "./types.ts";

const readJsonl = async <T>(path: string): Promise<T[]> =>
  (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-9, `${what}: expected ${b}, got ${a}`);

Deno.test("collect() runs episodes in parallel over two servers and writes both layouts", async () => {
  await using a = startTestServer(createEchoApp());
  await using b = startTestServer(createEchoApp());
  const outDir = await Deno.makeTempDir();
  const result = await collect({
    baseUrls: [a.url, b.url],
    episodes: 10,
    concurrency: 4,
    policy: (
      { step, episodeIndex },
    ) => (step < 3 ? { message: "x".repeat(episodeIndex + 1) } : null),
    outDir,
    seed: 100,
  });
  assert.equal(result.collected, 10);
  assert.equal(result.failed, 0);
  const trajectories = await readJsonl<TrajectoryRecord>(`${outDir}/trajectories.jsonl`);
  const results = await readJsonl<EpisodeRecord>(`${outDir}/results.jsonl`);
  assert.equal(trajectories.length, 10);
  assert.deepEqual(
    results.map((r) => r.episode_id).sort(),
    Array.from({ length: 10 }, (_, i) => `ep-${String(i).padStart(6, "0")}`),
  );
  for (const t of trajectories) {
    assert.equal(t.schema, "openenv-deno/trajectory@1");
    assert.equal(t.steps.length, 3);
    assert.equal(t.end, "policy_stop");
    assert.equal(t.seed, 100 + t.index);
    near(t.total_reward, 3 * 0.1 * (t.index + 1), `reward of episode ${t.index}`);
    assert.ok(t.steps.every((s) => s.ms >= 0));
  }
  assert.deepEqual(new Set(trajectories.map((t) => t.base_url)), new Set([a.url, b.url]));
  const first = results.find((r) => r.episode_id === "ep-000000")!;
  assert.equal(first.metrics.turns, 3);
  assert.equal(first.verify_metrics.step_count, 3);
  assert.equal(first.messages.length, 6);
  const meta = JSON.parse(await Deno.readTextFile(`${outDir}/metadata.json`));
  assert.equal(meta.num_episodes_requested, 10);
  near(result.meanReward, 0.3 * 5.5, "mean reward");
});

Deno.test("collect() resumes an interrupted run and retries failed episodes", async () => {
  await using server = startTestServer(createEchoApp());
  const outDir = await Deno.makeTempDir();
  let broken = true;
  const policy = ({ step, episodeIndex }: { step: number; episodeIndex: number }) => {
    if (broken && episodeIndex === 2) throw new Error("policy crashed on episode 2");
    return step < 1 ? { message: "ab" } : null;
  };
  const first = await collect({
    baseUrls: [server.url],
    episodes: 5,
    policy,
    outDir,
    concurrency: 2,
  });
  assert.equal(first.collected, 4);
  assert.equal(first.failed, 1);
  assert.deepEqual(first.failures, [{
    episodeId: "ep-000002",
    error: "policy crashed on episode 2",
  }]);
  broken = false;
  const second = await collect({
    baseUrls: [server.url],
    episodes: 8,
    policy,
    outDir,
    concurrency: 2,
  });
  assert.equal(second.skipped, 4);
  assert.equal(second.collected, 4); // episode 2 again, plus 5, 6, 7
  const ids = (await readJsonl<EpisodeRecord>(`${outDir}/results.jsonl`)).map((r) => r.episode_id);
  assert.equal(ids.length, 8);
  assert.equal(new Set(ids).size, 8);
});

// A plain (tool-less) environment: reward 0.1 per character, like echo.
const SayAction = ActionSchema.extend({ message: z.string() });
class SayEnv extends Environment<z.infer<typeof SayAction>> {
  #state: State = { episode_id: null, step_count: 0 };
  reset(): Observation {
    this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
    return { done: false, reward: null, metadata: {} };
  }
  step(action: z.infer<typeof SayAction>): Observation {
    this.#state.step_count++;
    return { done: false, reward: action.message.length * 0.1, metadata: {} };
  }
  get state(): State {
    return this.#state;
  }
}

Deno.test("openAIChatPolicy() drives a plain environment through an `act` tool", async () => {
  await using env = startTestServer(createApp(() => new SayEnv(), { action: SayAction }));
  await using llm = startOpenAIStandIn((req) => {
    const toolMessages = req.messages.filter((m) => m.role === "tool").length;
    return toolMessages < 2
      ? { toolCall: { name: "act", arguments: { message: toolMessages === 0 ? "hello" : "hi" } } }
      : { content: "I am done." };
  });
  const outDir = await Deno.makeTempDir();
  const result = await collect({
    baseUrls: [env.url],
    episodes: 2,
    concurrency: 2,
    outDir,
    policy: openAIChatPolicy({
      baseUrl: llm.baseUrl,
      model: "scripted",
      system: "Play the echo game.",
    }),
  });
  assert.equal(result.failed, 0, JSON.stringify(result.failures));
  for (const t of result.trajectories) {
    assert.deepEqual(t.steps.map((s) => (s.action as { message: string }).message), [
      "hello",
      "hi",
    ]);
    near(t.total_reward, 0.7, "reward");
  }
  const offered = llm.requests[0].tools!;
  assert.equal(offered.length, 1);
  assert.equal(offered[0].function.name, "act");
  assert.ok(
    Object.hasOwn((offered[0].function.parameters as { properties: object }).properties, "message"),
  );
  const [record] = await readJsonl<EpisodeRecord>(`${outDir}/results.jsonl`);
  assert.deepEqual(record.messages.map((m) => m.role), [
    "system",
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
  ]);
  assert.equal(record.messages.at(-1)!.content, "I am done.");
});

// A small MCP-style environment: tools through the core ToolHost contract.
const ToolAction = ActionSchema.extend({
  type: z.literal("call_tool").default("call_tool"),
  tool_name: z.string(),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
type ToolAction = z.infer<typeof ToolAction>;
class AdderEnv extends Environment<ToolAction> {
  #state: State = { episode_id: null, step_count: 0 };
  #total = 0;
  listTools(): ToolInfo[] {
    return [{
      name: "add",
      description: "Add a number to the total; reaching 10 wins.",
      inputSchema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    }];
  }
  callTool(name: string, args: Record<string, unknown>): unknown {
    if (name !== "add") throw new Error(`Unknown tool: ${name}`);
    this.#total += Number(args.n);
    return { data: this.#total };
  }
  reset(): Observation {
    this.#total = 0;
    this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
    return { done: false, reward: null, metadata: {} };
  }
  step(action: ToolAction): Observation & Record<string, unknown> {
    this.#state.step_count++;
    const result = this.callTool(action.tool_name, action.arguments);
    return {
      tool_name: action.tool_name,
      result,
      error: null,
      done: this.#total >= 10,
      reward: this.#total >= 10 ? 1 : 0,
      metadata: {},
    };
  }
  get state(): State {
    return this.#state;
  }
}

Deno.test("openAIChatPolicy() calls an MCP environment's own tools and records the tool trace", async () => {
  const app = createApp(() => new AdderEnv(), { action: ToolAction });
  await using env = startTestServer(app);
  await using llm = startOpenAIStandIn(() => ({ toolCall: { name: "add", arguments: { n: 4 } } }));
  const outDir = await Deno.makeTempDir();
  const result = await collect({
    baseUrls: [env.url],
    episodes: 1,
    outDir,
    policy: openAIChatPolicy({ baseUrl: llm.baseUrl, model: "scripted" }),
  });
  assert.equal(result.failed, 0, JSON.stringify(result.failures));
  const [t] = result.trajectories;
  assert.equal(t.steps.length, 3); // 4, 8, 12: done at the third call
  assert.equal(t.end, "done");
  assert.equal(result.successRate, 1);
  assert.deepEqual(llm.requests[0].tools!.map((x) => x.function.name), ["add"]);
  const [record] = await readJsonl<EpisodeRecord>(`${outDir}/results.jsonl`);
  assert.deepEqual(record.tool_trace.map((x) => x.result.data), [4, 8, 12]);
  assert.equal(record.metrics.tool_calls, 3);
});

Deno.test("evaluate() reports mean reward and success rate with 95% intervals", async () => {
  await using server = startTestServer(createEchoApp());
  const report = await evaluate({
    baseUrls: [server.url],
    seeds: [1, 2, 3, 4],
    policy: ({ step, seed }) => (step === 0 ? { message: "x".repeat(seed!) } : null),
    successThreshold: 0.25,
  });
  assert.equal(report.episodes, 4);
  near(report.meanReward.mean, 0.25, "mean");
  const half = 3.182 * Math.sqrt(((0.15 ** 2 + 0.05 ** 2) * 2) / 3) / 2;
  near(report.meanReward.high - report.meanReward.mean, half, "t half-width");
  near(report.successRate.rate, 0.5, "success rate");
  assert.ok(
    Math.abs(report.successRate.low - 0.15) < 1e-3,
    `Wilson low ${report.successRate.low}`,
  );
  assert.ok(
    Math.abs(report.successRate.high - 0.85) < 1e-3,
    `Wilson high ${report.successRate.high}`,
  );
  assert.deepEqual(report.rewards.map((r) => r.seed), [1, 2, 3, 4]);
});

Deno.test("collect() runs through an EnvPool and can record every step with the client's recorder", async () => {
  const { MemorySink, TrajectoryRecorder } = await import("../client/mod.ts");
  await using server = startTestServer(createEchoApp());
  const sink = new MemorySink();
  const recorder = new TrajectoryRecorder(sink);
  const result = await collect({
    baseUrls: [server.url],
    episodes: 3,
    concurrency: 2,
    policy: ({ step }) => (step < 2 ? { message: "abc" } : null),
    recorder,
  });
  assert.equal(result.collected, 3);
  const steps = sink.records.filter((r) => r.type === "step");
  assert.equal(steps.length, 3 * 2, "two recorded steps per episode");
  // Two pool slots served three episodes: one slot's session ran two of them.
  const episodes = new Set(steps.map((r) => (r as { episode_id: string }).episode_id));
  assert.equal(episodes.size, 3);
  const sessions = new Set(
    sink.records.filter((r) => r.type === "episode").map((r) =>
      (r as { session?: string }).session
    ),
  );
  assert.equal(sessions.size, 2, "one recorded session label per pool slot");
});
