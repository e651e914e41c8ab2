import assert from "node:assert/strict";
import { startTestServer } from "../../testing/mod.ts";
import { createApp } from "../../server/mod.ts";
import {
  createEchoApp,
  EchoAction,
  EchoEnvironment,
  EchoObservation,
} from "../../envs/echo/mod.ts";
import { ensureVenvs, VENVS } from "../../tests/interop/_python.ts";
import { normalizeUrl, sampleFromSchema, validateRunningServer } from "./runtime.ts";

const OFFICIAL_IDS = [
  "openapi_version_available",
  "health_endpoint",
  "metadata_endpoint",
  "schema_endpoint",
  "mcp_endpoint",
  "mode_endpoint_consistency",
];

async function officialReport(
  url: string,
): Promise<{ passed: boolean; summary: { failed_criteria: string[] } }> {
  await ensureVenvs();
  const out = await new Deno.Command(`${VENVS[1].dir}/bin/openenv`, {
    args: ["validate", "--url", url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("validateRunningServer passes every check on the echo server", async () => {
  await using server = startTestServer(createEchoApp());
  const report = await validateRunningServer(server.url);
  assert.deepEqual(report.summary.failed_criteria, []);
  assert.equal(report.passed, true);
  assert.equal(report.mode, "simulation");
  assert.equal(report.standard_profile, "openenv-http/1.x");
  for (
    const id of [
      ...OFFICIAL_IDS,
      "ws_session",
      "ws_step",
      "mcp_session_lifecycle",
      "mcp_error_codes",
      "not_found_shape",
      "method_not_allowed_shape",
      "http_reset",
      "http_validation_error",
    ]
  ) {
    assert.ok(report.criteria.some((c) => c.id === id && c.passed), id);
  }
  const official = await validateRunningServer(server.url, { officialOnly: true });
  assert.deepEqual(official.criteria.map((c) => c.id), OFFICIAL_IDS);
});

Deno.test("validateRunningServer fails what the official validator fails on a broken server", async () => {
  const app = createEchoApp();
  // A server that breaks two of the official criteria.
  const broken = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/metadata") return Response.json({ name: "broken" });
    if (path === "/openapi.json") {
      const doc = await (await app.fetch(req)).json();
      delete doc.paths["/state"];
      return Response.json(doc);
    }
    return app.fetch(req);
  });
  try {
    const url = `http://127.0.0.1:${(broken.addr as Deno.NetAddr).port}`;
    const ours = await validateRunningServer(url);
    const theirs = await officialReport(url);
    assert.equal(theirs.passed, false);
    assert.equal(ours.passed, false);
    const ourOfficial = ours.summary.failed_criteria.filter((id) => OFFICIAL_IDS.includes(id));
    assert.deepEqual(ourOfficial.sort(), [...theirs.summary.failed_criteria].sort());
    assert.deepEqual(ourOfficial.sort(), ["metadata_endpoint", "mode_endpoint_consistency"]);
  } finally {
    await app.close();
    await broken.shutdown();
  }
});

Deno.test("validateRunningServer agrees with the official validator on a production server", async () => {
  const app = createApp(() => new EchoEnvironment(), {
    action: EchoAction,
    observation: EchoObservation,
    mode: "production",
  });
  await using server = startTestServer(app);
  const ours = await validateRunningServer(server.url);
  const theirs = await officialReport(server.url);
  assert.equal(ours.mode, "production");
  assert.equal(ours.passed, true);
  assert.equal(theirs.passed, true);
  assert.ok(!ours.criteria.some((c) => c.id === "http_reset"), "no HTTP reset check in production");
  assert.ok(
    ours.criteria.some((c) => c.id === "ws_session" && c.passed),
    "/ws works in production",
  );
});

Deno.test("validateRunningServer reports an unreachable server without throwing", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const report = await validateRunningServer(`127.0.0.1:${port}`, { timeoutS: 1 });
  assert.equal(report.passed, false);
  assert.equal(report.target, `http://127.0.0.1:${port}`);
  const health = report.criteria.find((c) => c.id === "health_endpoint")!;
  assert.match(health.details ?? "", /request failed/);
});

Deno.test("normalizeUrl and sampleFromSchema", () => {
  assert.equal(normalizeUrl("localhost:8000/"), "http://localhost:8000");
  assert.equal(normalizeUrl("https://x.hf.space"), "https://x.hf.space");
  assert.deepEqual(
    sampleFromSchema({
      type: "object",
      properties: {
        message: { type: "string" },
        n: { type: "integer", minimum: 1 },
        mode: { enum: ["a", "b"] },
        opt: { type: "boolean" },
        ref: { $ref: "#/$defs/Move" },
      },
      required: ["message", "n", "mode", "ref"],
      $defs: {
        Move: {
          type: "object",
          properties: { to: { type: "string", minLength: 2 } },
          required: ["to"],
        },
      },
    }),
    { message: "", n: 1, mode: "a", ref: { to: "aa" } },
  );
});
