// Interop: the official `openenv validate --url` against our echo server, in
// simulation and production mode.
import assert from "node:assert/strict";
import { createApp, type ServerMode } from "@openenv/core/server";
import { EchoAction, EchoEnvironment, EchoObservation, EchoState } from "@openenv/echo";
import { startTestServer } from "../../testing/mod.ts";
import { runInVenv, VENVS } from "./_python.ts";

interface Criterion {
  id: string;
  passed: boolean;
}

const CRITERIA = [
  "health_endpoint",
  "mcp_endpoint",
  "metadata_endpoint",
  "mode_endpoint_consistency",
  "openapi_version_available",
  "schema_endpoint",
];

function echoApp(mode: ServerMode) {
  return createApp(() => new EchoEnvironment(), {
    name: "echo_env",
    action: EchoAction,
    observation: EchoObservation,
    state: EchoState,
    mode,
  });
}

for (const venv of VENVS) {
  for (const mode of ["simulation", "production"] as const) {
    Deno.test(`openenv validate --url passes every criterion in ${mode} mode (${venv.label})`, async () => {
      await using server = startTestServer(echoApp(mode));
      const run = await runInVenv(venv, "openenv", ["validate", "--url", server.url]);
      let report: Record<string, unknown>;
      try {
        report = JSON.parse(run.stdout);
      } catch {
        throw new Error(
          `openenv validate printed no JSON report (exit code ${run.code}).\n--- stdout ---\n` +
            `${run.stdout}--- stderr ---\n${run.stderr}`,
        );
      }
      const criteria = report.criteria as Criterion[];
      const failed = criteria.filter((c) => !c.passed);
      assert.deepEqual(failed, [], `failed criteria:\n${JSON.stringify(failed, null, 2)}`);
      assert.deepEqual(criteria.map((c) => c.id).sort(), CRITERIA);
      assert.equal(report.passed, true);
      assert.equal(report.mode, mode);
      assert.equal(run.code, 0, run.stderr);
    });
  }
}
