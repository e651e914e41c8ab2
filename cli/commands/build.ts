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
import { basename, listFiles, requireDir, resolvePath, statOrNull } from "../_fs.ts";
import { EXTRA_CA_FILE } from "../templates/deploy.ts";
import { out, warn } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";
import { dockerBuild, requireDocker } from "../docker.ts";
import { readManifest } from "../manifest.ts";
import { rewriteBaseImage, setWebInterface } from "../dockerfile.ts";

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
When DENO_CERT or NODE_EXTRA_CA_CERTS is set and the Dockerfile mentions
.openenv-extra-ca.pem (generated ones do), the folder is built from a copy
that holds that CA bundle under this name, for builds behind a
TLS-intercepting proxy. Your folder is never written to.`,
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
  /** Bake `ENV ENABLE_WEB_INTERFACE=true|false` into the image (unset: leave the Dockerfile alone). */
  webInterface?: boolean;
}

/** The default image tag of an environment: `openenv-<name without _env>`, lowercased. */
export function defaultTag(name: string): string {
  const short = name.replace(/[_-]env$/, "");
  return `openenv-${short.toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`;
}

/** The base image a Dockerfile starts from: the `BASE_IMAGE` default, else the first `FROM`. */
function baseImageOf(dockerfile: string): string | undefined {
  const arg = dockerfile.match(/^\s*ARG\s+BASE_IMAGE=(\S+)/m)?.[1];
  if (arg) return arg;
  return dockerfile.match(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/im)?.[1];
}

async function copyContext(from: string, to: string): Promise<void> {
  const skip = new Set([".git", "node_modules", ".venv", "__pycache__", ".cache"]);
  for (const path of await listFiles(from, (rel, isDir) => isDir && skip.has(basename(rel)))) {
    const target = `${to}/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${from}/${path}`, target);
  }
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
  let context = dir;
  let tempContext: string | undefined;
  if (text.includes(EXTRA_CA_FILE)) {
    const certs = await extraCaCerts();
    if (certs) {
      // A copy of the folder plus the CA bundle, so nothing is written into the user's folder.
      tempContext = await Deno.makeTempDir({ prefix: "openenv-build-" });
      await copyContext(dir, tempContext);
      await Deno.writeTextFile(`${tempContext}/${EXTRA_CA_FILE}`, certs + "\n");
      context = tempContext;
    }
  }
  let usedFile = dockerfile;
  let tempFile: string | undefined;
  let edited = text;
  if (options.baseImage) {
    if (declares("BASE_IMAGE")) buildArgs.BASE_IMAGE = options.baseImage;
    else edited = rewriteBaseImage(edited, options.baseImage);
  }
  if (options.webInterface !== undefined) edited = setWebInterface(edited, options.webInterface);
  if (edited !== text) {
    tempFile = await Deno.makeTempFile({ prefix: "openenv-Dockerfile-" });
    await Deno.writeTextFile(tempFile, edited);
    usedFile = tempFile;
  }
  Object.assign(buildArgs, options.buildArgs);
  try {
    await dockerBuild({
      context,
      name: manifest.name,
      baseImage: options.baseImage ?? baseImageOf(edited),
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
    if (tempContext) await Deno.remove(tempContext, { recursive: true }).catch(() => {});
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
