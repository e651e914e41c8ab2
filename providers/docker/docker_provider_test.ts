// Runs against a real Docker daemon (tests/docker/start_dockerd.sh; CI starts
// it) with a real echo image built from envs/echo/Dockerfile.
import assert from "node:assert/strict";
// @ts-types="@types/dockerode"
import Docker from "dockerode";
import { echoImage } from "../../tests/docker/echo_image.ts";
import { ProviderError } from "../errors.ts";
import { removeManagedContainers } from "./cleanup.ts";
import { DockerProvider } from "./docker_provider.ts";
import { fromDockerImage } from "./from_docker_image.ts";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const sessions: string[] = [];

function provider(): DockerProvider {
  const p = new DockerProvider({ labels: { "openenv.test": "docker_provider_test" } });
  sessions.push(p.sessionId);
  return p;
}

async function gone(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return false;
  } catch (e) {
    return (e as { statusCode?: number }).statusCode === 404;
  }
}

Deno.test("docker provider: runs the echo image with --init, labels, env and host networking", async () => {
  const image = await echoImage();
  await using docker_ = provider();
  const env = await docker_.start({ image, env: { MAX_CONCURRENT_ENVS: "3" } });
  try {
    const info = await docker.getContainer(env.id).inspect();
    assert.equal(info.HostConfig.Init, true);
    assert.equal(info.HostConfig.NetworkMode, "host");
    assert.equal(info.Config.Labels["openenv.managed"], "true");
    assert.equal(info.Config.Labels["openenv.session"], docker_.sessionId);
    assert.equal(info.Config.Labels["openenv.test"], "docker_provider_test");
    assert.ok(info.Config.Env.includes("MAX_CONCURRENT_ENVS=3"), info.Config.Env.join(" "));
    assert.ok(info.Config.Env.includes(`PORT=${env.port}`));

    const res = await fetch(`${env.baseUrl}/step`, {
      method: "POST",
      body: JSON.stringify({ action: { message: "container" } }),
    }).then((r) => r.json());
    assert.equal(res.observation.echoed_message, "container");
    assert.equal(res.reward, 0.9);
    assert.match(await env.logs(), /listening on/);
  } finally {
    await env.stop();
  }
  assert.ok(await gone(env.id), "the container is removed on stop");
  await env.stop(); // idempotent
});

Deno.test("docker provider: fromDockerImage gives a connected client that removes its container", async () => {
  const image = await echoImage();
  const docker_ = provider();
  let id: string;
  {
    await using env = await fromDockerImage(image, { provider: docker_ });
    id = env.handle.id;
    const reset = await env.reset();
    assert.equal(
      (reset.observation as { echoed_message: string }).echoed_message,
      "Echo environment ready!",
    );
    const step = await env.step({ message: "hi" });
    assert.equal(step.reward, 0.2);
  }
  assert.ok(await gone(id));
  await docker_[Symbol.asyncDispose]();
});

Deno.test("docker provider: a published port on a user-defined network", async () => {
  const image = await echoImage();
  const network = `openenv-test-${crypto.randomUUID().slice(0, 8)}`;
  await docker.createNetwork({ Name: network, Labels: { "openenv.managed": "true" } });
  try {
    await using docker_ = provider();
    await using env = await docker_.start({ image, network });
    const info = await docker.getContainer(env.id).inspect();
    assert.equal(info.HostConfig.NetworkMode, network);
    assert.deepEqual(info.HostConfig.PortBindings["8000/tcp"], [
      { HostIp: "127.0.0.1", HostPort: String(env.port) },
    ]);
    const health = await fetch(`${env.baseUrl}/health`).then((r) => r.json());
    assert.deepEqual(health, { status: "healthy" });
  } finally {
    await docker.getNetwork(network).remove();
  }
});

Deno.test("docker provider: a container that exits fails start with its logs and is removed", async () => {
  const image = await echoImage();
  await using docker_ = provider();
  const error = await docker_.start({
    image,
    command: ["eval", "console.error('boom: no config in container'); Deno.exit(3)"],
  }).then(() => assert.fail("start should fail"), (e) => e);
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.code, "PROVIDER_START_FAILED");
  assert.match(error.message, /exited with code 3 before it answered GET \/health/);
  assert.match(error.message, /boom: no config in container/);
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`openenv.session=${docker_.sessionId}`] },
  });
  assert.deepEqual(left, []);
});

Deno.test("docker provider: health timeout removes the container; missing image and daemon are clear errors", async () => {
  const image = await echoImage();
  await using docker_ = provider();
  const error = await docker_.start({
    image,
    command: ["eval", "console.log('busy, never serving'); setInterval(() => {}, 1000)"],
    healthTimeoutMs: 4_000,
  }).then(() => assert.fail("start should fail"), (e) => e);
  assert.equal(error.code, "PROVIDER_HEALTH_TIMEOUT");
  assert.match(error.details.logs, /busy, never serving/);
  assert.ok(await gone(error.details.container));

  await assert.rejects(
    docker_.start({ image: "openenv/does-not-exist:nope" }),
    (e: ProviderError) =>
      e.code === "PROVIDER_START_FAILED" &&
      /"openenv\/does-not-exist:nope" is not available locally/.test(e.message),
  );
  await assert.rejects(
    new DockerProvider({ socketPath: "/tmp/openenv-no-such-docker.sock" }).start({ image }),
    (e: ProviderError) =>
      e.code === "PROVIDER_UNAVAILABLE" &&
      /Docker daemon at "unix:\/\/\/tmp\/openenv-no-such-docker\.sock" is unreachable/.test(
        e.message,
      ),
  );
});

Deno.test("docker provider: cleanup removes labelled leftovers of a crashed run", async () => {
  const image = await echoImage();
  const crashed = provider();
  // Simulate a run that died without stopping its environment.
  const leaked = await crashed.start({ image, waitUntilHealthy: false });
  assert.equal(await gone(leaked.id), false);
  assert.equal(await removeManagedContainers({ sessionId: crashed.sessionId }), 1);
  assert.ok(await gone(leaked.id));
  assert.equal(await crashed.cleanup(), 0);
});

Deno.test("docker provider: no container of this suite is left", async () => {
  for (const session of sessions) {
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`openenv.session=${session}`] },
    });
    assert.deepEqual(left.map((c) => c.Names), [], `session ${session}`);
  }
});
