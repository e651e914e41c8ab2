// Test support (not published): builds an environment's image from its
// Dockerfile, offline except for npm, the way tests/docker/build_echo_image.sh
// builds the echo image (the base image comes from build_base_image.sh).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { requireDocker } from "../../tests/docker/echo_image.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env: { DOCKER_BUILDKIT: "0" },
  }).spawn();
  if (stdin) {
    const file = await Deno.open(stdin);
    await file.readable.pipeTo(child.stdin);
  }
  const out = await child.output();
  const d = new TextDecoder();
  const text = d.decode(out.stdout) + d.decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text.slice(-4000)}`);
  return d.decode(out.stdout).trim();
}

const built = new Map<string, Promise<string>>();

/**
 * Builds `envs/<name>/Dockerfile` (once per process; skipped when an image
 * from the same sources exists) and returns its tag.
 */
export function buildEnvImage(
  name: "coding" | "chess" | "trading" | "atari",
): Promise<string> {
  let promise = built.get(name);
  if (!promise) {
    promise = (async () => {
      await requireDocker();
      await run("bash", ["tests/docker/build_base_image.sh"]);
      const tag = `openenv/${name}-env:test`;
      const hash = (await run("bash", [
        "-c",
        `find envs/${name} core server deno.json -type f -not -name '*_test.ts' -print0 | ` +
        "sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16",
      ])).trim();
      const existing = await run("docker", [
        "image",
        "inspect",
        "-f",
        '{{index .Config.Labels "io.openenv.source"}}',
        tag,
      ]).catch(() => "");
      if (existing === hash) return tag;
      const ctx = await Deno.makeTempFile({ prefix: `openenv-${name}-context-`, suffix: ".tar" });
      try {
        await run("tar", [
          "-cf",
          ctx,
          "--exclude=./.git",
          "--exclude=./.cache",
          "--exclude=node_modules",
          "--exclude=.venv",
          "--exclude=__pycache__",
          "--exclude=./bench/results",
          "--exclude=./docs/screenshots",
          "--exclude=*.log",
          ".",
        ]);
        let ca: string | undefined;
        try {
          ca = Deno.env.get("DENO_CERT") ?? Deno.env.get("NODE_EXTRA_CA_CERTS");
        } catch {
          ca = undefined;
        }
        if (ca) {
          await run("tar", [
            "-rf",
            ctx,
            "--transform=s|.*|.openenv-extra-ca.pem|",
            "-C",
            ca.slice(0, ca.lastIndexOf("/")) || "/",
            ca.slice(ca.lastIndexOf("/") + 1),
          ]);
        }
        await run(
          "docker",
          [
            "build",
            "--quiet",
            "--network",
            "host",
            "--label",
            `io.openenv.source=${hash}`,
            "-f",
            `envs/${name}/Dockerfile`,
            "-t",
            tag,
            "-",
          ],
          ctx,
        );
      } finally {
        await Deno.remove(ctx).catch(() => {});
      }
      await run("docker", [
        "image",
        "prune",
        "--force",
        "--filter",
        `label=io.openenv.env=${name}_env`,
      ])
        .catch(() => "");
      await run("docker", [
        "image",
        "prune",
        "--force",
        "--filter",
        `label=io.openenv.build-stage=${name}_env`,
      ]).catch(() => "");
      return tag;
    })();
    built.set(name, promise);
  }
  return promise;
}

/** Whether Docker still knows a container (fails on any other `docker` error). */
export async function containerExists(id: string): Promise<boolean> {
  const out = await new Deno.Command("docker", {
    args: ["container", "inspect", "--format", "{{.Id}}", id],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.success) return true;
  const err = new TextDecoder().decode(out.stderr);
  assert.match(err, /no such (container|object)/i, `docker container inspect failed: ${err}`);
  return false;
}
