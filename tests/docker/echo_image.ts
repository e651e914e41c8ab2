/**
 * Test setup for the Docker and Swarm suites: checks the daemon answers and
 * builds the echo image (tests/docker/build_echo_image.sh; skipped when the
 * sources did not change).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
let built: Promise<string> | undefined;

async function sh(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: root,
    env: { DENO_BIN: Deno.execPath() },
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const d = new TextDecoder();
  return { ok: out.success, out: d.decode(out.stdout).trim() + "\n" + d.decode(out.stderr).trim() };
}

/** Throws a clear error when the Docker daemon is unreachable. */
export async function requireDocker(): Promise<void> {
  const info = await sh("docker", ["info", "--format", "{{.ServerVersion}}"]).catch((e) => ({
    ok: false,
    out: String(e),
  }));
  if (!info.ok) {
    throw new Error(
      `The Docker daemon is unreachable, so the Docker tests cannot run. Install docker.io and run tests/docker/start_dockerd.sh (bash .ci/run does both).\n${info.out}`,
    );
  }
}

/** Builds (once per process) and returns the tag of the echo image. */
export function echoImage(): Promise<string> {
  built ??= (async () => {
    await requireDocker();
    const res = await sh("bash", ["tests/docker/build_echo_image.sh"]);
    if (!res.ok) throw new Error(`Building the echo image failed:\n${res.out}`);
    return res.out.split("\n")[0].trim();
  })();
  return built;
}
