/**
 * `openenv build` and `openenv push --registry` against a real Docker daemon
 * and a real local registry (Debian's `docker-registry`), then the image
 * pulled back and run. Needs dockerd (tests/docker/start_dockerd.sh starts
 * it), debootstrap for the base image, and the docker-registry package;
 * .ci/run installs them.
 */
import assert from "node:assert/strict";
import $ from "dax";
import { freePort, ROOT, runCli, waitHealthy } from "./_helpers.ts";

async function sh(cmd: string[], what: string): Promise<string> {
  const r = await $`${cmd}`.stdout("piped").stderr("piped").noThrow();
  if (r.code !== 0) {
    throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout.trim();
}

async function dockerReady(): Promise<void> {
  await sh(
    ["bash", `${ROOT}/tests/docker/start_dockerd.sh`],
    "Starting dockerd (tests/docker/start_dockerd.sh; needs: apt-get install -y docker.io)",
  );
  await sh(
    ["bash", `${ROOT}/tests/docker/build_base_image.sh`],
    "Building the Deno base image (tests/docker/build_base_image.sh; needs: apt-get install -y debootstrap)",
  );
}

/** Copies the core sources into the project and points its import map at them, so the build context is self-contained (JSR is unreachable here). */
async function vendorCore(dir: string): Promise<void> {
  const vendor = `${dir}/vendor/openenv_core`;
  await Deno.mkdir(vendor, { recursive: true });
  for (const part of ["mod.ts", "core", "server", "client", "testing"]) {
    await sh(["cp", "-r", `${ROOT}/${part}`, `${vendor}/`], `copying ${part}`);
  }
  const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
  for (const [key, target] of Object.entries(config.imports as Record<string, string>)) {
    if (key.startsWith("@openenv/core")) {
      config.imports[key] = (target as string).replace(ROOT, "./vendor/openenv_core");
    }
  }
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config, null, 2));
}

async function startRegistry(
  dir: string,
): Promise<{ url: string; host: string; stop: () => Promise<void> }> {
  const binary = await $.which("docker-registry");
  if (!binary) {
    throw new Error(
      "The docker-registry command is missing; run: apt-get install -y docker-registry",
    );
  }
  const port = freePort();
  const config = `${dir}/registry.yml`;
  await Deno.writeTextFile(
    config,
    `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${dir}/registry-data
http:
  addr: 127.0.0.1:${port}
`,
  );
  const child = new Deno.Command(binary, {
    args: ["serve", config],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    try {
      const res = await fetch(`${url}/v2/`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("docker-registry did not answer /v2/ within 30 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test("build, push --registry, pull back and run (real Docker and registry)", async (t) => {
  await dockerReady();
  const tmp = await Deno.makeTempDir({ prefix: "openenv-cli-docker-" });
  const images: string[] = [];
  const containers: string[] = [];
  const registry = await startRegistry(tmp);
  try {
    const init = await runCli(["init", "dock_env", "-o", tmp, "--core-path", ROOT]);
    assert.equal(init.code, 0, init.stderr);
    const dir = `${tmp}/dock_env`;
    await vendorCore(dir);

    const run = async (image: string) => {
      const port = freePort();
      const id = await sh([
        "docker",
        "run",
        "-d",
        "--init",
        "--network",
        "host",
        "-e",
        `PORT=${port}`,
        image,
      ], `docker run ${image}`);
      containers.push(id);
      const url = `http://127.0.0.1:${port}`;
      await waitHealthy(url, 60_000);
      return { id, url };
    };

    await t.step("build tags openenv-<name> and the image serves the environment", async () => {
      const r = await runCli(["build", dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout.trim(), "openenv-dock");
      images.push("openenv-dock");
      assert.match(r.stderr, /Building openenv-dock/);
      const label = await sh([
        "docker",
        "image",
        "inspect",
        "-f",
        '{{index .Config.Labels "org.openenv.name"}}',
        "openenv-dock",
      ], "inspect");
      assert.equal(label, "dock_env");
      const { url } = await run("openenv-dock");
      const v = await runCli(["validate", "--url", url, "--json"]);
      assert.equal(v.code, 0, v.stdout);
      assert.equal(JSON.parse(v.stdout).passed, true);
      // The folder was not written to (the CA bundle went into a copy).
      const files = [];
      for await (const e of Deno.readDir(dir)) files.push(e.name);
      assert.ok(!files.includes(".openenv-extra-ca.pem"));
    });

    await t.step(
      "--base-image and --build-arg reach the build; a missing base image fails clearly",
      async () => {
        await sh(
          ["docker", "tag", "denoland/deno:debian-2.9.6", "openenv-test/base:custom"],
          "docker tag",
        );
        images.push("openenv-test/base:custom");
        const ok = await runCli([
          "build",
          dir,
          "-t",
          "openenv-dock:custom",
          "--base-image",
          "openenv-test/base:custom",
          "--build-arg",
          "UNUSED=1",
        ]);
        assert.equal(ok.code, 0, ok.stderr);
        images.push("openenv-dock:custom");
        const bad = await runCli([
          "build",
          dir,
          "-t",
          "openenv-dock:bad",
          "--base-image",
          "openenv-test/missing:1",
        ]);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /docker build of dock_env failed/);
        assert.match(bad.stderr, /openenv-test\/missing/);
        const usage = await runCli(["build", dir, "--build-arg", "NOEQUALS"]);
        assert.equal(usage.code, 2);
      },
    );

    await t.step(
      "push --registry pushes to a real registry; the image is pulled back and runs",
      async () => {
        const image = `${registry.host}/openenv-dock:v1`;
        const r = await runCli([
          "push",
          dir,
          "--registry",
          registry.host,
          "--tag",
          "v1",
          "--interface",
        ]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(r.stdout.trim(), image);
        images.push(image);
        const tags = await (await fetch(`${registry.url}/v2/openenv-dock/tags/list`)).json();
        assert.deepEqual(tags.tags, ["v1"]);
        // The web interface switch is in the image itself, not a dangling build argument.
        const env = await sh(
          ["docker", "image", "inspect", "-f", "{{json .Config.Env}}", image],
          "inspect",
        );
        assert.ok(JSON.parse(env).includes("ENABLE_WEB_INTERFACE=true"), env);

        await sh(["docker", "rmi", image], "docker rmi");
        await sh(["docker", "pull", image], "docker pull");
        const { url } = await run(image);
        const health = await (await fetch(`${url}/health`)).json();
        assert.deepEqual(health, { status: "healthy" });
      },
    );
  } finally {
    for (const id of containers) await $`docker rm -f ${id}`.quiet().noThrow();
    for (const image of images) await $`docker rmi -f ${image}`.quiet().noThrow();
    // Only this test's leftovers: the build stages of its images.
    await $`docker image prune -f --filter label=org.openenv.build-stage=dock_env`.quiet()
      .noThrow();
    await registry.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});
