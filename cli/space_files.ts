/**
 * What `push` uploads to a Space: the environment's files minus ignored
 * ones, the Dockerfile at the root with the base image and web interface
 * settled, the README front matter a Docker Space needs, and the Python
 * client package.
 *
 * @module
 */
import $ from "dax";
import YAML from "yaml";
import { listFiles, statOrNull } from "./_fs.ts";
import { compileIgnores, DEFAULT_IGNORES } from "./ignore_patterns.ts";
import { CliError } from "./errors.ts";
import { rewriteBaseImage, setWebInterface } from "./dockerfile.ts";
import { denoSettings, type Manifest } from "./manifest.ts";
import { type EnvSchemas, renderPythonPackage } from "./python_package.ts";
import { spaceCard } from "./templates/names.ts";

/** One file of the upload. */
export interface StagedFile {
  /** Path in the Space. */
  path: string;
  /** Content. */
  content: Uint8Array;
  /** `copied` as is, `modified` by push, or `generated`. */
  origin: "copied" | "modified" | "generated";
  /** Why it was changed or generated. */
  note?: string;
}

/** Options of {@linkcode stageSpaceFiles}. */
export interface StageOptions {
  /** Serve the web interface (`ENABLE_WEB_INTERFACE=true`, `base_path: /web`). */
  interface: boolean;
  /** Replace the base image. */
  baseImage?: string;
  /** Extra ignore patterns. */
  excludes?: string[];
  /** Generate the Python client package (when the folder has no pyproject.toml). @default {true} */
  python?: boolean;
  /** The environment's schemas; read from its app module when absent. */
  schemas?: EnvSchemas;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Adds what a Docker Space needs to README front matter (or a whole block when there is none). */
export function spaceReadme(readme: string, manifest: Manifest, webInterface: boolean): string {
  const match = readme.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?/);
  const port = manifest.port ?? 8000;
  let front: Record<string, unknown> = {};
  let body = readme;
  if (match) {
    try {
      const parsed = YAML.parse(match[1]);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) front = parsed;
    } catch (error) {
      throw new CliError(`README.md front matter is not valid YAML: ${(error as Error).message}`);
    }
    body = readme.slice(match[0].length);
  } else {
    const card = spaceCard(manifest.name);
    const title = manifest.name.split(/[_-]/).filter(Boolean).map((w) =>
      w[0].toUpperCase() + w.slice(1)
    )
      .join(" ");
    front = {
      title: `${title} Environment Server`,
      emoji: card.emoji,
      colorFrom: card.colorFrom,
      colorTo: card.colorTo,
      pinned: false,
    };
  }
  front.sdk = "docker";
  front.app_port = port;
  if (webInterface) front.base_path = "/web";
  else if (front.base_path === "/web") delete front.base_path;
  const tags = Array.isArray(front.tags) ? front.tags.map(String) : [];
  for (const tag of ["openenv", "deno"]) if (!tags.includes(tag)) tags.push(tag);
  front.tags = tags;
  return `---\n${YAML.stringify(front, { lineWidth: 0 })}---\n${
    body.startsWith("\n") ? "" : "\n"
  }${body}`;
}

/** Reads an environment's schemas and metadata by loading its app module in a subprocess. */
export async function readSchemas(dir: string, manifest: Manifest): Promise<EnvSchemas> {
  const app = denoSettings(manifest).app ?? manifest.app;
  if (!app || !/\.(m?[jt]sx?)$/.test(app) || !(await statOrNull(`${dir}/${app}`))) {
    throw new CliError(`Cannot read the schemas of "${manifest.name}": no app module`, {
      hint:
        "Set `deno.app` in openenv.yaml to the module that default-exports the app, or use --no-python.",
    });
  }
  const url = new URL(`file://${dir}/${app}`).href;
  const code = `const { default: app } = await import(${JSON.stringify(url)});
const res = await app.fetch(new Request("http://localhost/schema"));
console.log(JSON.stringify(await res.json()));
await app.close?.();`;
  const config = (await statOrNull(`${dir}/deno.json`)) ? ["--config", `${dir}/deno.json`] : [];
  const r = await $`${Deno.execPath()} eval ${config} ${code}`.cwd(dir).env({ NO_COLOR: "1" })
    .stdout("piped").stderr("piped").noThrow().timeout("120s");
  if (r.code !== 0) {
    throw new CliError(
      `Loading "${app}" to read its schemas failed:\n${
        r.stderr.trim().split("\n").slice(-8).join("\n")
      }`,
      {
        hint: "Run `openenv validate` on the folder, or use --no-python.",
      },
    );
  }
  const schemas = JSON.parse(r.stdout.trim().split("\n").pop()!);
  if (!schemas?.action || !schemas?.observation) {
    throw new CliError(`GET /schema of "${app}" has no action or observation schema`);
  }
  return schemas;
}

/**
 * Collects the files to upload for a Space.
 *
 * @example
 * ```ts ignore
 * import { readManifest, stageSpaceFiles } from "@openenv/cli/lib";
 *
 * const files = await stageSpaceFiles("my_env", await readManifest("my_env"), { interface: true });
 * for (const f of files) console.log(f.origin, f.path);
 * ```
 */
export async function stageSpaceFiles(
  dir: string,
  manifest: Manifest,
  options: StageOptions,
): Promise<StagedFile[]> {
  const ignores = compileIgnores([...DEFAULT_IGNORES, ...(options.excludes ?? [])]);
  const paths = await listFiles(dir, (rel, isDir) => ignores.ignores(rel, isDir));
  const files = new Map<string, StagedFile>();
  for (const path of paths) {
    if (ignores.ignores(path, false)) continue;
    files.set(path, { path, content: await Deno.readFile(`${dir}/${path}`), origin: "copied" });
  }

  // The Dockerfile must be at the root of a Space.
  let docker = files.get("Dockerfile");
  if (!docker && files.has("server/Dockerfile")) {
    docker = {
      ...files.get("server/Dockerfile")!,
      path: "Dockerfile",
      origin: "modified",
      note: "moved from server/Dockerfile",
    };
    files.delete("server/Dockerfile");
  }
  if (!docker) {
    throw new CliError(`No Dockerfile in "${dir}"`, {
      hint: "A Docker Space builds from a Dockerfile; `openenv init` makes one.",
    });
  }
  const original = decoder.decode(docker.content);
  let text = original;
  const notes: string[] = docker.note ? [docker.note] : [];
  if (options.baseImage) {
    const arg = /^(\s*ARG\s+BASE_IMAGE)(=\S*)?\s*$/m;
    const fromIndex = text.search(/^\s*FROM\s/m);
    const argIndex = text.search(arg);
    if (argIndex >= 0 && (fromIndex < 0 || argIndex < fromIndex)) {
      text = text.replace(arg, `$1=${options.baseImage}`);
    } else text = rewriteBaseImage(text, options.baseImage);
    notes.push(`base image ${options.baseImage}`);
  }
  const withWeb = setWebInterface(text, options.interface);
  if (withWeb !== text) notes.push(`ENABLE_WEB_INTERFACE=${options.interface}`);
  text = withWeb;
  files.set("Dockerfile", {
    path: "Dockerfile",
    content: encoder.encode(text),
    origin: text === original && docker.origin === "copied" ? "copied" : "modified",
    note: notes.join(", ") || undefined,
  });

  const readme = files.get("README.md");
  const readmeText = readme ? decoder.decode(readme.content) : "";
  const newReadme = spaceReadme(readmeText, manifest, options.interface);
  if (newReadme !== readmeText) {
    files.set("README.md", {
      path: "README.md",
      content: encoder.encode(newReadme),
      origin: readme ? "modified" : "generated",
      note: "Space front matter (sdk: docker, app_port, tags" +
        (options.interface ? ", base_path: /web)" : ")"),
    });
  }

  if (options.python !== false && !files.has("pyproject.toml")) {
    const schemas = options.schemas ?? await readSchemas(dir, manifest);
    for (const [path, content] of renderPythonPackage({ manifest, schemas })) {
      if (files.has(path)) {
        throw new CliError(
          `"${path}" exists but there is no pyproject.toml; cannot generate the Python client package`,
          {
            hint: "Add your own pyproject.toml, remove the file, or use --no-python.",
          },
        );
      }
      files.set(path, {
        path,
        content: encoder.encode(content),
        origin: "generated",
        note: "Python client package",
      });
    }
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}
