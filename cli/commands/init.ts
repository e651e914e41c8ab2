/**
 * `openenv init <name>`: scaffold a TypeScript environment.
 *
 * @module
 */
import { type CommandSpec, type ParsedCommand, stringFlag } from "../_args.ts";
import { basename, resolvePath, statOrNull } from "../_fs.ts";
import { err, out, style, success } from "../_ui.ts";
import { CliError } from "../errors.ts";
import { envNames, renderProject } from "../templates/mod.ts";
import { defaultTag } from "./build.ts";

/** Version range of `@openenv/core` that generated projects import. */
export const CORE_RANGE = "^0.1.0";
/** Version range of zod that generated projects import. */
export const ZOD_RANGE = "^4.1.0";

/** The `init` command. */
export const initSpec: CommandSpec = {
  name: "init",
  summary: "Create a new TypeScript environment",
  description: `
Creates <output-dir>/<name> with the models, the environment class, the server
app and entry, a typed client, tests, openenv.yaml, a Dockerfile and a README
with Hugging Face Space front matter. The project passes its own tests and
\`openenv validate\` as generated. The target must not exist or be empty.`,
  positionals: [{ name: "name", description: "Environment name: lowercase letters, digits, _" }],
  options: {
    "output-dir": {
      type: "string",
      short: "o",
      valueName: "dir",
      description: "Parent directory of the new environment",
      defaultText: "current directory",
    },
    "core-path": {
      type: "string",
      valueName: "dir",
      description:
        "Import @openenv/core from a local checkout instead of JSR (for working on the toolkit)",
    },
  },
  examples: [
    "openenv init my_game",
    "openenv init my_game -o envs",
  ],
};

/** Options of {@linkcode initEnvironment}. */
export interface InitOptions {
  /** Parent directory. @default {Deno.cwd()} */
  outputDir?: string;
  /** A local checkout of `@openenv/core` to import from, instead of JSR. */
  corePath?: string;
}

/** Import map entries for a local checkout of `@openenv/core`: its exports and its own imports. */
export async function localCoreImports(corePath: string): Promise<Record<string, string>> {
  const root = resolvePath(corePath);
  let config: { name?: string; exports?: Record<string, string>; imports?: Record<string, string> };
  try {
    config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  } catch (error) {
    throw new CliError(`Cannot read "${root}/deno.json" for --core-path`, {
      cause: error,
      hint: "Point --core-path at the root of an @openenv/core checkout.",
    });
  }
  if (config.name !== "@openenv/core" || !config.exports) {
    throw new CliError(`"${root}/deno.json" is not the @openenv/core package`);
  }
  const imports: Record<string, string> = {};
  for (const [key, target] of Object.entries(config.exports)) {
    imports[`@openenv/core${key === "." ? "" : key.slice(1)}`] = resolvePath(target, root);
  }
  return { ...imports, ...config.imports };
}

/**
 * Creates a new environment folder and returns its path.
 *
 * @example
 * ```ts ignore
 * import { initEnvironment } from "@openenv/cli/lib";
 *
 * const dir = await initEnvironment("my_game", { outputDir: "/tmp" });
 * ```
 */
export async function initEnvironment(name: string, options: InitOptions = {}): Promise<string> {
  const names = envNames(name);
  const parent = resolvePath(options.outputDir ?? ".");
  const target = `${parent}/${name}`;
  const existing = await statOrNull(target);
  if (existing && !existing.isDirectory) {
    throw new CliError(`"${target}" exists and is a file`, { hint: "Pick another name or -o." });
  }
  if (existing) {
    for await (const _ of Deno.readDir(target)) {
      throw new CliError(`"${target}" already exists and is not empty`, {
        hint: "Pick another name, another --output-dir, or empty the folder.",
      });
    }
  }
  const imports = options.corePath
    ? await localCoreImports(options.corePath)
    : { "@openenv/core": `jsr:@openenv/core@${CORE_RANGE}`, zod: `npm:zod@${ZOD_RANGE}` };
  const files = renderProject(names, { imports });

  // Write into a staging folder next to the target, then move it in, so a
  // failure leaves nothing half-written (and never removes a folder we did not make).
  await Deno.mkdir(parent, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: parent, prefix: `.${name}.init-` });
  try {
    for (const [path, text] of files) {
      const full = `${staging}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    }
    if (existing) {
      for await (const entry of Deno.readDir(staging)) {
        await Deno.rename(`${staging}/${entry.name}`, `${target}/${entry.name}`);
      }
      await Deno.remove(staging);
    } else {
      await Deno.rename(staging, target);
      await Deno.chmod(target, 0o755); // makeTempDir creates it 0700
    }
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw new CliError(`Could not create "${target}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  return target;
}

/** Runs `openenv init`. */
export async function runInit(parsed: ParsedCommand): Promise<number> {
  const name = parsed.positionals[0];
  const target = await initEnvironment(name, {
    outputDir: stringFlag(parsed.values, "output-dir"),
    corePath: stringFlag(parsed.values, "core-path"),
  });
  success(`Created ${style.bold(name)} in ${target}`);
  const rel = basename(target);
  err("");
  err("Next steps:");
  err(`  cd ${rel}`);
  err(`  deno task test        ${style.dim("# run its tests")}`);
  err(`  openenv serve --watch ${style.dim("# serve on :8000, restart on edits")}`);
  err(`  openenv validate      ${style.dim("# check the folder (add --url for a server)")}`);
  err(
    `  openenv build         ${style.dim("# Docker image " + defaultTag(name))}`,
  );
  out(target);
  return 0;
}
