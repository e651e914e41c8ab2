import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runInVenv, VENVS } from "../../tests/interop/_python.ts";

const SCRIPT = new URL("./run_scripted.py", import.meta.url).pathname;

async function runScripted(
  venv: typeof VENVS[number],
  kind: string,
  url: string,
): Promise<Record<string, unknown>> {
  const result = await runInVenv(venv, "python", [SCRIPT, kind, url]);
  if (result.code !== 0) {
    throw new Error(`run_scripted.py ${kind} failed (${result.code}):\n${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

for (const venv of VENVS) {
  Deno.test(`TRL-style environment_factory and rollout_func drive our echo server (${venv.label})`, async () => {
    await using server = startTestServer(createEchoApp());
    const out = await runScripted(venv, "echo", server.url);
    assert.deepEqual(out.replies, ["hi", "hihi", "hihihi"]);
    const rewards = out.rewards as number[];
    [0.2, 0.4, 0.6].forEach((r, i) => assert.ok(Math.abs(rewards[i] - r) < 1e-9));
    const rollout = out.rollout as Record<string, number[]>;
    // Two prompts x a group of four, two turns each: reward 2 x 0.1 x len(prompt).
    assert.equal(rollout.env_reward.length, 8);
    const expected = [...Array(4).fill(0.6), ...Array(4).fill(1.0)];
    rollout.env_reward.forEach((r, i) => assert.ok(Math.abs(r - expected[i]) < 1e-9));
    assert.equal(rollout.prompt_ids.length, 8);
    assert.ok(rollout.completion_ids.every((n) => n > 0));
    // Every session was closed by the examples.
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });
}

for (const venv of VENVS) {
  Deno.test(`TRL-style classes play our chess server (${venv.label})`, async () => {
    const { createChessApp } = await import("@openenv/chess");
    await using server = startTestServer(createChessApp());
    const out = await runScripted(venv, "chess", server.url);
    assert.match(
      out.prompt as string,
      /Board \(FEN\): rnbqkbnr\/pppppppp\/8\/8\/8\/8\/PPPPPPPP\/RNBQKBNR w/,
    );
    assert.match(out.prompt as string, /Legal moves: .*e2e4/);
    // After e2e4 the built-in opponent answers: white to move again.
    assert.match(out.first as string, /^FEN: [^ ]+ w .*Legal moves: /);
    assert.match(out.illegal as string, /^Illegal move: /);
    assert.equal(out.steps, 2);
    assert.equal((out.rewards as number[]).length, 1);
  });

  Deno.test(`TRL-style classes run code on our coding server (${venv.label})`, async () => {
    const { createCodingApp } = await import("@openenv/coding");
    await using server = startTestServer(createCodingApp());
    const out = await runScripted(venv, "coding", server.url);
    assert.match(out.first as string, /^exit code 0\nstdout:\n42\n/);
    assert.match(
      out.second as string,
      /^exit code 0\nstdout:\n43\n/,
      "variables persist between calls",
    );
    assert.match(out.error as string, /^exit code 1\n[\s\S]*ZeroDivisionError/);
    assert.equal(out.steps, 3);
  });
}
