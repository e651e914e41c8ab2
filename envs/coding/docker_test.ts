// The coding image built from envs/coding/Dockerfile, run by our
// DockerProvider: the sandbox works inside the container too.
import assert from "node:assert/strict";
import { DockerProvider } from "@openenv/core/providers/docker";
import { openRawSocket } from "@openenv/core/testing";
import { buildEnvImage } from "./_test_docker.ts";

Deno.test("the coding image serves sandboxed sessions", async () => {
  const image = await buildEnvImage("coding");
  await using docker = new DockerProvider();
  await using env = await docker.start({ image, env: { CODING_TIMEOUT_S: "3" } });
  const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
  try {
    await ws.request({ type: "reset", data: {} }, 60_000);
    const step = await ws.request({
      type: "step",
      data: { code: "import sys\nsys.version_info[:2]" },
    }, 60_000) as {
      data: { observation: { stdout: string } };
    };
    assert.match(step.data.observation.stdout, /^\(3, \d+\)\n$/);
    const escape = await ws.request({
      type: "step",
      data: {
        code:
          "import pyodide_js\npyodide_js.constructor.constructor('return Deno.readTextFileSync(\"/app/server.js\")')()",
      },
    }, 60_000) as { data: { observation: { metadata: { error: string } } } };
    assert.match(escape.data.observation.metadata.error, /NotCapable: Requires read access/);
    const loop = await ws.request({ type: "step", data: { code: "while True: pass" } }, 60_000) as {
      data: { observation: { metadata: { timed_out: boolean } } };
    };
    assert.equal(loop.data.observation.metadata.timed_out, true);
    const after = await ws.request({ type: "step", data: { code: "print('alive')" } }, 60_000) as {
      data: { observation: { stdout: string } };
    };
    assert.equal(after.data.observation.stdout, "alive\n");
  } finally {
    await ws.close();
  }
  const web = await fetch(`${env.baseUrl}/web/view.js`);
  assert.equal(web.status, 200);
  assert.match(await web.text(), /export function render/);
});
