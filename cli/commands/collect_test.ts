import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { startOpenAIStandIn, startTestServer } from "@openenv/core/testing";
import { parseSeeds } from "./collect.ts";

const CLI = new URL("../main.ts", import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const t = new TextDecoder();
  return { code: r.code, out: t.decode(r.stdout), err: t.decode(r.stderr) };
}

// The model says "hello" through the echo environment's tool, then stops.
function scriptedModel() {
  return startOpenAIStandIn((req) => {
    const used = req.messages.filter((m) => m.role === "tool").length;
    const tool = req.tools?.[0]?.function.name ?? "act";
    if (used > 0) return { content: "done" };
    return tool === "act"
      ? { toolCall: { name: "act", arguments: { message: "hello" } } }
      : { toolCall: { name: tool, arguments: { message: "hello" } } };
  });
}

Deno.test("openenv collect writes resumable JSONL with a model behind an OpenAI-compatible API", async () => {
  await using env = startTestServer(createEchoApp());
  await using llm = scriptedModel();
  const outDir = await Deno.makeTempDir();
  const args = ["collect", "-u", env.url, "--llm-url", llm.baseUrl, "-m", "scripted", "-o", outDir];
  const first = await cli([...args, "-n", "4", "-c", "2"]);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /episodes 4 {2}failed 0/);
  assert.match(first.err, /Collecting episodes: 4\/4 \(0 failed\)/);
  const lines = (await Deno.readTextFile(`${outDir}/results.jsonl`)).trim().split("\n");
  assert.equal(lines.length, 4);
  const meta = JSON.parse(await Deno.readTextFile(`${outDir}/metadata.json`));
  assert.equal(meta.model, "scripted");
  assert.equal(meta.llm_endpoint, llm.baseUrl);

  const again = await cli([...args, "-n", "6"]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /4 episode\(s\) already in/);
  assert.equal((await Deno.readTextFile(`${outDir}/results.jsonl`)).trim().split("\n").length, 6);
});

Deno.test("openenv evaluate reports mean reward and success rate as JSON", async () => {
  await using env = startTestServer(createEchoApp());
  await using llm = scriptedModel();
  const r = await cli([
    "evaluate",
    "-u",
    env.url,
    "--llm-url",
    llm.baseUrl,
    "-m",
    "scripted",
    "--seeds",
    "1-3,7",
    "--success-threshold",
    "0",
    "--json",
  ]);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.episodes, 4);
  assert.deepEqual(report.rewards.map((x: { seed: number }) => x.seed), [1, 2, 3, 7]);
  assert.equal(report.successRate.rate, 1);
});

Deno.test("openenv collect refuses an incomplete command line with exit code 2", async () => {
  const r = await cli(["collect", "-u", "http://127.0.0.1:9"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Give the model endpoint with --llm-url and --model/);
  assert.deepEqual(parseSeeds("1-3, 5"), [1, 2, 3, 5]);
  assert.throws(() => parseSeeds("5-1"), /runs backwards/);
  assert.throws(() => parseSeeds("a"), /Seeds must look like/);
});
