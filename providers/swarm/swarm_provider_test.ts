// Runs against a real Docker daemon in single-node Swarm mode (the provider
// runs `docker swarm init --advertise-addr 127.0.0.1` when needed) with a real
// echo image built from envs/echo/Dockerfile.
import assert from "node:assert/strict";
// @ts-types="@types/dockerode"
import Docker from "dockerode";
import { echoImage } from "../../tests/docker/echo_image.ts";
import type { EnvClient } from "../../client/env_client.ts";
import { ProviderError } from "../errors.ts";
import { removeManagedServices } from "./cleanup.ts";
import { SwarmProvider } from "./swarm_provider.ts";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const sessions: string[] = [];

function provider(): SwarmProvider {
  const p = new SwarmProvider({ labels: { "openenv.test": "swarm_provider_test" } });
  sessions.push(p.sessionId);
  return p;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

Deno.test("swarm provider: replicas on their own ports, sessions spread, scale up and down", async () => {
  const image = await echoImage();
  await using swarm = provider();
  // Two sessions per replica at most: four sessions on two replicas only fit when spread.
  await using service = await swarm.start({
    image,
    replicas: 2,
    env: { MAX_CONCURRENT_ENVS: "2" },
  });
  const replicas = await service.listReplicas();
  assert.deepEqual(replicas.map((r) => r.slot), [1, 2]);
  assert.notEqual(replicas[0].url, replicas[1].url);
  assert.equal(service.baseUrl, replicas[0].url);
  for (const r of replicas) assert.ok(await answers(r.url), r.url);

  const inspect = await docker.getService(service.id).inspect();
  assert.equal(inspect.Spec.Labels["openenv.managed"], "true");
  assert.equal(inspect.Spec.TaskTemplate.ContainerSpec.Init, true);
  const tasks = await docker.listContainers({
    filters: { label: [`com.docker.swarm.service.id=${service.id}`] },
  });
  assert.equal(tasks.length, 2);
  for (const t of tasks) {
    const info = await docker.getContainer(t.Id).inspect();
    assert.equal(info.HostConfig.NetworkMode, "host");
    assert.equal(info.HostConfig.Init, true);
  }

  const clients: EnvClient[] = [];
  try {
    for (let i = 0; i < 4; i++) clients.push(await service.connect());
    const perReplica = Map.groupBy(clients, (c) => c.baseUrl);
    assert.deepEqual([...perReplica.values()].map((c) => c.length), [2, 2]);
    // Each session is its own episode on its replica.
    for (const [i, c] of clients.entries()) {
      await c.reset();
      for (let k = 0; k <= i; k++) await c.step({ message: "x" });
      assert.equal((await c.state()).step_count, i + 1);
    }

    await service.scale(3);
    const three = await service.listReplicas();
    assert.deepEqual(three.map((r) => r.slot), [1, 2, 3]);
    // Replicas 1 and 2 are full: the next session must land on the new one.
    const fifth = await service.connect();
    clients.push(fifth);
    assert.equal(fifth.baseUrl, three[2].url);
    assert.equal((await fifth.step({ message: "new" })).observation.echoed_message, "new");
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }

  await service.scale(1);
  const one = await service.listReplicas();
  assert.equal(one.length, 1);
  const removed = await Promise.all(
    [1, 2, 3].filter((s) => s !== one[0].slot).map((s) =>
      answers(`http://127.0.0.1:${Number(new URL(one[0].url).port) - one[0].slot + s}`)
    ),
  );
  assert.deepEqual(removed, [false, false], "scaled-away replicas no longer answer");
  assert.ok(await answers(one[0].url));

  await service.stop();
  await assert.rejects(
    docker.getService(service.id).inspect(),
    (e: { statusCode?: number }) => e.statusCode === 404,
  );
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.swarm.service.id=${service.id}`] },
  });
  assert.deepEqual(left, []);
});

Deno.test("swarm provider: a pool spreads sessions round-robin over the replicas", async () => {
  const image = await echoImage();
  await using swarm = provider();
  await using service = await swarm.start({ image, replicas: 2 });
  await using pool = await service.pool(4);
  const urls = pool.info().map((s) => s.url);
  const replicaUrls = (await service.listReplicas()).map((r) => r.url);
  assert.deepEqual(urls, [replicaUrls[0], replicaUrls[1], replicaUrls[0], replicaUrls[1]]);
  const resets = await pool.resetAll();
  assert.ok(resets.every((r) => r.status === "fulfilled"), JSON.stringify(resets));
  const steps = await pool.stepAll(pool.indices.map((i) => ({ message: "a".repeat(i + 1) })));
  assert.deepEqual(
    steps.map((s) => s.status === "fulfilled" ? s.value.observation.message_length : s.reason),
    [1, 2, 3, 4],
  );
});

Deno.test("swarm provider: a missing image fails start clearly and leaves no service", async () => {
  await echoImage(); // the daemon is up
  await using swarm = provider();
  const error = await swarm.start({
    image: "openenv/does-not-exist:nope",
    replicas: 1,
    healthTimeoutMs: 60_000,
  }).then(() => assert.fail("start should fail"), (e) => e);
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.code, "PROVIDER_START_FAILED");
  assert.match(
    error.message,
    /A replica of the Swarm service "[^"]+" from "openenv\/does-not-exist:nope" (rejected|failed)/,
  );
  const left = await docker.listServices({
    filters: { label: [`openenv.session=${swarm.sessionId}`] },
  });
  assert.deepEqual(left, []);
  await assert.rejects(
    swarm.start({ image: "x", replicas: 1000 }),
    (e: ProviderError) =>
      e.code === "PROVIDER_INVALID_OPTIONS" && /replicas must be/.test(e.message),
  );
});

Deno.test("swarm provider: cleanup removes labelled services of a crashed run", async () => {
  const image = await echoImage();
  const crashed = provider();
  const leaked = await crashed.start({ image, replicas: 1, waitUntilHealthy: false });
  assert.equal(await removeManagedServices({ sessionId: crashed.sessionId }), 1);
  await assert.rejects(
    docker.getService(leaked.id).inspect(),
    (e: { statusCode?: number }) => e.statusCode === 404,
  );
  await leaked.stop(); // waits for the containers to go; a no-op on the removed service
});

Deno.test("swarm provider: no service or container of this suite is left", async () => {
  for (const session of sessions) {
    const services = await docker.listServices({
      filters: { label: [`openenv.session=${session}`] },
    });
    assert.deepEqual(services.map((s) => s.Spec?.Name), [], `session ${session}`);
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`openenv.session=${session}`] },
    });
    assert.deepEqual(containers.map((c) => c.Names), [], `session ${session}`);
  }
});
