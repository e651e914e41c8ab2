/**
 * `openenv build [dir]`: build the environment's Docker image.
 *
 * @module
 */
import {
  type CommandSpec,
  keyValueFlag,
  listFlag,
  type ParsedCommand,
  stringFlag,
} from "../_args.ts";
import { requireDir, resolvePath, statOrNull } from "../_fs.ts";
import { out, warn } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";
import { dockerBuild, requireDocker } from "../docker.ts";
import { readManifest } from "../manifest.ts";
import { rewriteBaseImage } from "../dockerfile.ts";

/** The `build` command. */
export const buildSpec: CommandSpec = {
  name: "build",
  summary: "Build the environment's Docker image",
  description: `
Runs \`docker build\` on the environment folder with its Dockerfile (or
server/Dockerfile). The log streams behind a progress display; on failure the
last lines are printed and the whole log is saved.

--base-image sets the BASE_IMAGE build argument when the Dockerfile declares
it; otherwise the first FROM is rewritten, keeping its stage name ("AS ...").
When NODE_EXTRA_CA_CERTS or DENO_CERT is set and the Dockerfile declares
ARG EXTRA_CA_CERTS, that bundle is passed in, for builds behind a
TLS-intercepting proxy.`,
  positionals: [{ name: "dir", description: "Environment folder", optional: true }],
  options: {
    tag: {
      type: "string",
      short: "t",
      valueName: "tag",
      description: "Image tag",
      defaultText: "openenv-<name without _env>",
    },
    dockerfile: {
      type: "string",
      short: "f",
      valueName: "path",
      description: "Dockerfile, relative to the folder",
      defaultText: "Dockerfile, else server/Dockerfile",
    },
    "base-image": { type: "string", short: "b", valueName: "image", description: "Base image" },
    "build-arg": {
      type: "string",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Build argument",
    },
    "no-cache": { type: "boolean", description: "Do not use the build cache" },
    network: {
      type: "string",
      valueName: "mode",
      description: "Network for RUN steps",
      defaultText: "host",
    },
    platform: { type: "string", valueName: "os/arch", description: "Target platform" },
    verbose: { type: "boolean", short: "v", description: "Print the whole build log" },
  },
  examples: [
    "openenv build",
    "openenv build envs/echo -t my-echo:dev",
    "openenv build --base-image denoland/deno:debian-2.5.0 --build-arg MODE=fast",
  ],
};

/** Options of {@linkcode buildImage}. */
export interface BuildImageOptions {
  /** Image tag. @default {`openenv-<name without _env>`} */
  tag?: string;
  /** Dockerfile relative to the folder. */
  dockerfile?: string;
  /** Base image. */
  baseImage?: string;
  /** Build arguments. */
  buildArgs?: Record<string, string>;
  /** `--no-cache`. */
  noCache?: boolean;
  /** `--network`. @default {"host"} */
  network?: string;
  /** `--platform`. */
  platform?: string;
  /** Print the whole log. */
  verbose?: boolean;
}

/** The default image tag of an environment: `openenv-<name without _env>`, lowercased. */
export function defaultTag(name: string): string {
  const short = name.replace(/[_-]env$/, "");
  return `openenv-${short.toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`;
}

async function extraCaCerts(): Promise<string | undefined> {
  for (const key of ["DENO_CERT", "NODE_EXTRA_CA_CERTS"]) {
    const path = Deno.env.get(key);
    if (!path) continue;
    try {
      return (await Deno.readTextFile(path)).trim();
    } catch {
      warn(`${key} points at "${path}", which cannot be read; building without it`);
    }
  }
  return undefined;
}

/**
 * Builds the image of an environment folder and returns its tag.
 *
 * @example
 * ```ts ignore
 * import { buildImage } from "@openenv/cli/lib";
 *
 * const tag = await buildImage("envs/echo", { tag: "openenv-echo:dev" });
 * ```
 */
export async function buildImage(dir: string, options: BuildImageOptions = {}): Promise<string> {
  const manifest = await readManifest(dir);
  const candidates = options.dockerfile
    ? [options.dockerfile]
    : ["Dockerfile", "server/Dockerfile"];
  let dockerfile: string | undefined;
  for (const c of candidates) {
    if ((await statOrNull(`${dir}/${c}`))?.isFile) {
      dockerfile = `${dir}/${c}`;
      break;
    }
  }
  if (!dockerfile) {
    throw new CliError(`No ${candidates.join(" or ")} in "${dir}"`, {
      hint: "Add a Dockerfile (`openenv init` generates one) or pass -f.",
    });
  }
  const tag = options.tag ?? defaultTag(manifest.name);
  const text = await Deno.readTextFile(dockerfile);
  const buildArgs: Record<string, string> = {};
  const declares = (arg: string) => new RegExp(`^\\s*ARG\\s+${arg}(=|\\s|$)`, "m").test(text);
  if (declares("EXTRA_CA_CERTS")) {
    const certs = await extraCaCerts();
    if (certs) buildArgs.EXTRA_CA_CERTS = certs;
  }
  let usedFile = dockerfile;
  let tempFile: string | undefined;
  if (options.baseImage) {
    if (declares("BASE_IMAGE")) buildArgs.BASE_IMAGE = options.baseImage;
    else {
      tempFile = await Deno.makeTempFile({ prefix: "openenv-Dockerfile-" });
      await Deno.writeTextFile(tempFile, rewriteBaseImage(text, options.baseImage));
      usedFile = tempFile;
    }
  }
  Object.assign(buildArgs, options.buildArgs);
  try {
    await dockerBuild({
      context: dir,
      dockerfile: usedFile,
      tag,
      buildArgs,
      labels: {
        "org.openenv.name": manifest.name,
        ...(manifest.spec_version
          ? { "org.openenv.spec_version": String(manifest.spec_version) }
          : {}),
      },
      noCache: options.noCache,
      network: options.network ?? "host",
      platform: options.platform,
      verbose: options.verbose,
    });
  } finally {
    if (tempFile) await Deno.remove(tempFile).catch(() => {});
  }
  return tag;
}

/** Runs `openenv build`. */
export async function runBuild(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const dir = resolvePath(parsed.positionals[0] ?? ".");
  await requireDir(dir);
  const tag = stringFlag(values, "tag");
  if (tag !== undefined && !/^[a-z0-9][a-z0-9._\-/:@]*$/.test(tag)) {
    throw new UsageError(`Flag "--tag" is not a valid image reference: "${tag}"`, {
      command: "build",
      hint: "Use lowercase letters, digits, and . _ - / : (e.g. openenv-echo:dev).",
    });
  }
  await requireDocker();
  const built = await buildImage(dir, {
    tag,
    dockerfile: stringFlag(values, "dockerfile"),
    baseImage: stringFlag(values, "base-image"),
    buildArgs: keyValueFlag(listFlag(values, "build-arg"), "build-arg", "build"),
    noCache: values["no-cache"] === true,
    network: stringFlag(values, "network"),
    platform: stringFlag(values, "platform"),
    verbose: values.verbose === true,
  });
  out(built);
  return 0;
}
