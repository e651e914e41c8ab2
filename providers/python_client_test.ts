// The official Python OpenEnv client (from PyPI, venvs made by
// tests/interop/setup.sh) drives environments started by our providers: a
// sandboxed process and a Docker container. Wire compatibility holds through
// the sandbox and the container.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScript, VENVS } from "../tests/interop/_python.ts";
import { echoImage } from "../tests/docker/echo_image.ts";
import { DockerProvider } from "./docker/docker_provider.ts";
import { ProcessProvider } from "./process_provider.ts";

const echo = fileURLToPath(new URL("../envs/echo", import.meta.url));
const venv = VENVS.at(-1)!; // the newest release

interface Result {
  observation: { echoed_message: string; message_length: number };
  reward: number;
  reward_type: string;
}

async function drive(baseUrl: string): Promise<void> {
  const out = await runScript(venv, "generic_client.py", [baseUrl]) as {
    async: { steps: Result[]; state: { step_count: number; episode_id: string } };
    sync: { steps: Result[] };
  };
  assert.equal(out.async.steps[0].observation.echoed_message, "hello");
  assert.equal(out.async.steps[1].observation.message_length, 8);
  assert.equal(out.async.steps[0].reward, 0.5);
  assert.equal(out.async.steps[0].reward_type, "float");
  assert.equal(out.async.state.step_count, 2);
  assert.equal(out.async.state.episode_id, "interop-async");
  assert.equal(out.sync.steps[0].observation.echoed_message, "sync");
}

Deno.test(`python client (${venv.label}) drives echo in a sandboxed process`, async () => {
  await using provider = new ProcessProvider();
  await using env = await provider.start({ module: echo });
  await drive(env.baseUrl);
});

Deno.test(`python client (${venv.label}) drives echo in a Docker container`, async () => {
  const image = await echoImage();
  await using docker = new DockerProvider();
  await using env = await docker.start({ image });
  await drive(env.baseUrl);
});
