// Interop: the official Python OpenEnv client (both releases the suite
// installs) with a chess client written like the reference's.
import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { runInVenv, VENVS } from "../../tests/interop/_python.ts";
import { createChessApp } from "./app.ts";

const script = new URL("./testdata/reference_style_client.py", import.meta.url).pathname;

for (const venv of VENVS) {
  Deno.test(`chess: a reference-style Python client (${venv.label}) plays fool's mate`, async () => {
    await using server = startTestServer(createChessApp());
    const out = await runInVenv(venv, "python", [script, server.url]);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(result, {
      reset_moves: 20,
      result: "0-1",
      is_check: true,
      reward: 1,
      done: true,
      history: ["f2f3", "e7e5", "g2g4", "d8h4"],
      step_count: 4,
    });
  });
}

for (const venv of VENVS) {
  Deno.test(`chess: openenv validate --url passes (${venv.label})`, async () => {
    await using server = startTestServer(createChessApp());
    const run = await runInVenv(venv, "openenv", ["validate", "--url", server.url]);
    const report = JSON.parse(run.stdout) as {
      passed: boolean;
      criteria: { id: string; passed: boolean }[];
    };
    const failed = report.criteria.filter((c) => !c.passed);
    assert.deepEqual(failed, [], run.stdout);
    assert.ok(report.criteria.length >= 5, run.stdout);
    assert.equal(report.passed, true);
    assert.equal(run.code, 0, run.stderr);
  });
}
