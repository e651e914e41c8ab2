/**
 * Docker through the `docker` CLI (driven by dax): image builds with the log
 * streamed behind a spinner, tag and push.
 *
 * @module
 */
import $ from "dax";
import { basename } from "./_fs.ts";
import { err, type Progress, style, withProgress } from "./_ui.ts";
import { CliError } from "./errors.ts";

/** Options of {@linkcode dockerBuild}. */
export interface DockerBuildOptions {
  /** Build context directory. */
  context: string;
  /** Dockerfile path. */
  dockerfile: string;
  /** Image tag. */
  tag: string;
  /** `--build-arg` values. */
  buildArgs?: Record<string, string>;
  /** Image labels. */
  labels?: Record<string, string>;
  /** `--no-cache`. */
  noCache?: boolean;
  /** `--network`, e.g. `host`. */
  network?: string;
  /** `--platform`. */
  platform?: string;
  /** Print every log line instead of a spinner. */
  verbose?: boolean;
  /** Name shown in messages. @default {the context folder's name} */
  name?: string;
  /** The base image, named in the hint when it cannot be pulled. */
  baseImage?: string;
}

/** Fails with an actionable error when the docker CLI or daemon is missing. */
export async function requireDocker(): Promise<void> {
  if (!(await $.commandExists("docker"))) {
    throw new CliError("The `docker` command is not installed", {
      hint: "Install Docker (Debian: apt-get install -y docker.io), then start the daemon.",
    });
  }
  const info = await $`docker info --format ${"{{.ServerVersion}}"}`.stdout("piped").stderr("piped")
    .noThrow().timeout("15s");
  if (info.code !== 0) {
    throw new CliError(
      `The Docker daemon is not reachable: ${info.stderr.trim().split("\n").pop()}`,
      {
        hint: "Start it (for example: dockerd, or tests/docker/start_dockerd.sh in this repo).",
      },
    );
  }
}

/** Splits a byte stream into lines for `onLine`. */
function lineSink(onLine: (line: string) => void): WritableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  return new WritableStream({
    write(chunk) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    },
    close() {
      if (pending) onLine(pending);
    },
  });
}

/** Runs a docker command, streaming its output into `progress` (or the terminal when verbose). */
async function runStreamed(
  args: string[],
  progress: Progress,
  options: { verbose?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  let currentStep = "";
  const onLine = (line: string) => {
    log.push(line);
    if (options.verbose) err(style.dim(line));
    const stepLine = line.match(/^(Step \d+\/\d+ : .*|#\d+ \[.*\].*)$/);
    if (stepLine) currentStep = stepLine[1];
    if (line.trim()) progress.message(currentStep || line);
  };
  const result = await $`docker ${args}`
    .env(options.env ?? {})
    .stdout(lineSink(onLine))
    .stderr(lineSink(onLine))
    .noThrow();
  return { code: result.code, log };
}

async function failWithLog(what: string, log: string[], hint: string): Promise<never> {
  const file = await Deno.makeTempFile({ prefix: "openenv-docker-", suffix: ".log" });
  await Deno.writeTextFile(file, log.join("\n") + "\n");
  err(style.dim(log.slice(-25).join("\n")));
  throw new CliError(`${what} failed; the last lines are above, the whole log is in ${file}`, {
    hint,
  });
}

/**
 * Builds an image with `docker build`, the log behind a spinner that shows
 * the current step.
 *
 * @example
 * ```ts ignore
 * import { dockerBuild } from "@openenv/cli/lib";
 *
 * await dockerBuild({ context: "my_env", dockerfile: "my_env/Dockerfile", tag: "openenv-my" });
 * ```
 */
export async function dockerBuild(options: DockerBuildOptions): Promise<void> {
  const args = ["build", "-t", options.tag, "-f", options.dockerfile];
  if (options.noCache) args.push("--no-cache");
  if (options.network) args.push("--network", options.network);
  if (options.platform) args.push("--platform", options.platform);
  for (const [k, v] of Object.entries(options.buildArgs ?? {})) {
    args.push("--build-arg", `${k}=${v}`);
  }
  for (const [k, v] of Object.entries(options.labels ?? {})) args.push("--label", `${k}=${v}`);
  args.push(options.context);
  await withProgress(`Building ${options.tag}`, async (progress) => {
    // The classic builder prints "Step N/M", which the progress display follows;
    // it needs no buildx plugin.
    const { code, log } = await runStreamed(args, progress, {
      verbose: options.verbose,
      env: { DOCKER_BUILDKIT: "0" },
    });
    if (code !== 0) {
      const pullFailed = log.some((l) =>
        /pull access denied|manifest unknown|no such host|registry-1\.docker\.io|not found: manifest/i
          .test(l)
      );
      await failWithLog(
        `docker build of ${options.name ?? basename(options.context)}`,
        log,
        pullFailed
          ? `The base image${
            options.baseImage ? ` "${options.baseImage}"` : ""
          } is not available locally and could not be pulled; pull or build it first, or pass --base-image.`
          : "Fix the Dockerfile step that failed; --verbose streams the whole log.",
      );
    }
  });
}

/** Tags `source` as `target`. */
export async function dockerTag(source: string, target: string): Promise<void> {
  const r = await $`docker tag ${source} ${target}`.stdout("piped").stderr("piped").noThrow();
  if (r.code !== 0) throw new CliError(`docker tag ${source} ${target} failed: ${r.stderr.trim()}`);
}

/** Pushes `image`, the log behind a spinner. */
export async function dockerPush(image: string, verbose = false): Promise<void> {
  await withProgress(`Pushing ${image}`, async (progress) => {
    const { code, log } = await runStreamed(["push", image], progress, { verbose });
    if (code !== 0) {
      await failWithLog(
        `docker push ${image}`,
        log,
        "Check that you are logged in (docker login HOST) and that the registry is reachable.",
      );
    }
  });
}
