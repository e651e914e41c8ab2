/**
 * Local discovery: environments are directories with an `openenv.yaml`
 * manifest, found among the workspace members (the root `deno.json`
 * `workspace` list) and in extra search paths.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { envKey, envName, pascalName } from "./names.ts";

/** What discovery knows about one environment. */
export interface EnvironmentInfo {
  /** Name from the manifest (`echo_env`), or the directory name. */
  name: string;
  /** Lookup key (`echo`); see `envKey`. */
  key: string;
  /** Description from the manifest, else `"<name> environment"`. */
  description: string;
  /** Manifest `spec_version`, if any. */
  specVersion: number | null;
  /** Absolute directory of the environment. */
  directory: string;
  /** Absolute path of its `openenv.yaml`. */
  manifestPath: string;
  /** The parsed manifest. */
  manifest: Record<string, unknown>;
  /** Package name from its `deno.json` (`@openenv/echo`), if any. */
  packageName: string | null;
  /** Absolute path of the package's main module (`exports["."]`), if any. */
  entry: string | null;
  /** Name of the exported action schema (manifest `action`, else `<Pascal>Action`). */
  actionExport: string;
  /** Name of the exported observation schema (manifest `observation`, else `<Pascal>Observation`). */
  observationExport: string;
  /** Name of the exported state schema (`<Pascal>State`). */
  stateExport: string;
  /** Default Docker image name (`echo-env:latest`). */
  dockerImage: string;
}

/** Options of {@linkcode discoverEnvironments}. */
export interface DiscoverOptions {
  /**
   * Where to start looking for the workspace root (the nearest `deno.json`
   * with a `workspace` list, upwards). @default {Deno.cwd()}
   */
  root?: string;
  /** More directories: each one holds an `openenv.yaml` or has children that do. */
  paths?: string[];
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function join(dir: string, ...parts: string[]): string {
  return [dir.replace(/\/+$/, ""), ...parts.map((p) => p.replace(/^\.\//, ""))].join("/");
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : join(Deno.cwd(), path);
}

/**
 * Finds the workspace root: the nearest directory at or above `from` whose
 * `deno.json` has a `workspace` list.
 *
 * @returns The directory, or null when there is none.
 */
export async function findWorkspaceRoot(from: string = Deno.cwd()): Promise<string | null> {
  let dir = absolute(from).replace(/\/+$/, "") || "/";
  while (true) {
    const config = await readJson(join(dir, "deno.json"));
    if (config && Array.isArray(config.workspace)) return dir;
    const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Reads the environment in a directory (its `openenv.yaml` and `deno.json`).
 *
 * @param directory A directory with an `openenv.yaml`.
 * @returns What is known about it.
 * @throws {Error} When the manifest is missing or not a YAML mapping.
 */
export async function readEnvironment(directory: string): Promise<EnvironmentInfo> {
  const dir = absolute(directory).replace(/\/+$/, "");
  const manifestPath = join(dir, "openenv.yaml");
  let text: string;
  try {
    text = await Deno.readTextFile(manifestPath);
  } catch (cause) {
    throw new Error(`No openenv.yaml in '${dir}': an environment directory needs one`, { cause });
  }
  let manifest: unknown;
  try {
    manifest = parseYaml(text);
  } catch (cause) {
    throw new Error(`'${manifestPath}' is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new Error(`'${manifestPath}' must be a YAML mapping with at least 'name'`);
  }
  const m = manifest as Record<string, unknown>;
  const base = dir.slice(dir.lastIndexOf("/") + 1);
  const name = typeof m.name === "string" && m.name ? m.name : base;
  const pascal = pascalName(name);
  const legacy = typeof m.action === "string" && typeof m.observation === "string";
  const config = await readJson(join(dir, "deno.json"));
  const exportsField = config?.exports;
  const main = typeof exportsField === "string"
    ? exportsField
    : exportsField && typeof exportsField === "object"
    ? (exportsField as Record<string, unknown>)["."]
    : undefined;
  const entry = typeof main === "string"
    ? join(dir, main)
    : await exists(join(dir, "mod.ts"))
    ? join(dir, "mod.ts")
    : null;
  return {
    name,
    key: envKey(name),
    description: typeof m.description === "string" ? m.description : `${name} environment`,
    specVersion: typeof m.spec_version === "number" ? m.spec_version : null,
    directory: dir,
    manifestPath,
    manifest: m,
    packageName: typeof config?.name === "string" ? config.name : null,
    entry,
    actionExport: legacy ? m.action as string : `${pascal}Action`,
    observationExport: legacy ? m.observation as string : `${pascal}Observation`,
    stateExport: `${pascal}State`,
    dockerImage: `${envName(name).replaceAll("_", "-")}:latest`,
  };
}

/**
 * Lists the environments of the workspace (its members with an
 * `openenv.yaml`) and of the extra `paths`, sorted by key.
 *
 * @example
 * ```ts ignore
 * import { discoverEnvironments } from "@openenv/core/auto";
 *
 * for (const env of await discoverEnvironments()) console.log(env.key, env.directory);
 * ```
 */
export async function discoverEnvironments(
  options: DiscoverOptions = {},
): Promise<EnvironmentInfo[]> {
  const candidates: string[] = [];
  const root = await findWorkspaceRoot(options.root);
  if (root) {
    const config = await readJson(join(root, "deno.json"));
    for (const member of (config?.workspace as unknown[]) ?? []) {
      if (typeof member === "string") candidates.push(join(root, member));
    }
  }
  for (const path of options.paths ?? []) {
    const dir = absolute(path);
    if (await exists(join(dir, "openenv.yaml"))) {
      candidates.push(dir);
      continue;
    }
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory) candidates.push(join(dir, entry.name));
      }
    } catch (cause) {
      throw new Error(`Cannot search '${dir}' for environments: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
  const seen = new Set<string>();
  const found: EnvironmentInfo[] = [];
  for (const dir of candidates) {
    if (seen.has(dir) || !await exists(join(dir, "openenv.yaml"))) continue;
    seen.add(dir);
    found.push(await readEnvironment(dir));
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}
