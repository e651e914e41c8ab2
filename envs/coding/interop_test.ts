// Interop: the official Python OpenEnv client (both releases the suite
// installs) with a coding client written like the reference's, whose
// observation model forbids unknown fields.
import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { runInVenv, VENVS } from "../../tests/interop/_python.ts";
import { createCodingApp } from "./app.ts";

const script = new URL("./testdata/reference_style_client.py", import.meta.url).pathname;

for (const venv of VENVS) {
  Deno.test(`coding: a reference-style Python client (${venv.label}) runs code`, async () => {
    await using server = startTestServer(createCodingApp({ timeoutS: 10 }));
    const out = await runInVenv(venv, "python", [script, server.url], { timeoutMs: 180_000 });
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(result.reset, {
      stdout: "",
      stderr: "",
      exit_code: 0,
      reward: 0,
      done: false,
      error: null,
    });
    assert.equal(result.steps[1].stdout, "21\n40\n");
    assert.equal(result.steps[2].exit_code, 1);
    assert.equal(result.steps[2].error, "ZeroDivisionError: division by zero");
    assert.match(result.steps[2].stderr, /ZeroDivisionError/);
    assert.deepEqual(result.state, { step_count: 3, last_exit_code: 1 });
  });
}

for (const venv of VENVS) {
  Deno.test(`coding: openenv validate --url passes (${venv.label})`, async () => {
    await using server = startTestServer(createCodingApp({ timeoutS: 10 }));
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
