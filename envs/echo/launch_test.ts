import assert from "node:assert/strict";
import { echoImage } from "../../tests/docker/echo_image.ts";
import { EchoEnv } from "./client.ts";

async function isDown(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return false;
  } catch {
    return true;
  }
}

Deno.test("EchoEnv.fromProcess() starts a sandboxed server and stops it on close", async () => {
  const env = await EchoEnv.fromProcess({ healthTimeoutMs: 60_000 });
  const url = env.handle.baseUrl;
  try {
    await env.reset({ episodeId: "proc" });
    const { observation, reward } = await env.echo("hello");
    assert.equal(observation.echoed_message, "hello");
    assert.equal(reward, 0.5);
    assert.deepEqual(await env.state(), { episode_id: "proc", step_count: 1 });
  } finally {
    await env.close();
  }
  assert.ok(await isDown(url), `the server at ${url} should be stopped`);
});

Deno.test("EchoEnv.fromDockerImage() runs the echo image and removes the container on close", async () => {
  const image = await echoImage();
  const env = await EchoEnv.fromDockerImage(image, { healthTimeoutMs: 60_000 });
  const url = env.handle.baseUrl;
  try {
    await env.reset();
    const { observation } = await env.echo("from docker");
    assert.equal(observation.message_length, 11);
  } finally {
    await env.close();
  }
  assert.ok(await isDown(url), `the container at ${url} should be stopped`);
});
