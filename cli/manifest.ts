/**
 * The `openenv.yaml` manifest: the reference's format (`spec_version`, `name`,
 * `type`, `runtime`, `app`, `port`, `variables`, the legacy `description`,
 * `version`, `action`, `observation`) plus a `deno:` block that Python tools
 * ignore: the module to run and the permissions the environment asks for.
 *
 * @example Read, change and write a manifest
 * ```ts ignore
 * import { readManifest, writeManifest } from "@openenv/cli/lib";
 *
 * const manifest = await readManifest("envs/echo");
 * await writeManifest("envs/echo", { ...manifest, port: 8001 });
 * ```
 *
 * @module
 */
import { z } from "zod";
import YAML from "yaml";
import { CliError } from "./errors.ts";

/** File name of the manifest inside an environment folder. */
export const MANIFEST_FILE = "openenv.yaml";

const PermissionValue = z.union([z.boolean(), z.array(z.string().min(1))]);

/** Deno permissions an environment asks for; each is `true` (all) or a list. */
export interface DenoPermissions {
  /** Hosts it connects to (listening on its own port is always allowed). */
  net?: boolean | string[];
  /** Paths it reads, relative to the environment folder (the folder itself is always readable). */
  read?: boolean | string[];
  /** Paths it writes, relative to the environment folder. */
  write?: boolean | string[];
  /** Environment variables it reads. */
  env?: boolean | string[];
  /** Programs it runs. */
  run?: boolean | string[];
  /** System information it reads. */
  sys?: boolean | string[];
  /** Native libraries it loads. */
  ffi?: boolean | string[];
}

/** The `deno:` block: how the Deno toolkit runs the environment. */
export interface DenoBlock {
  /** Module that starts the server; it reads `$PORT` and `$HOST`. @default {"server.ts"} */
  entry: string;
  /** Module whose default export is the fetch app. */
  app?: string;
  /** Permissions beyond listening on the port and reading the folder. */
  permissions?: DenoPermissions;
}

/** A parsed `openenv.yaml`. Unknown keys are kept, so newer manifests survive a round trip. */
export interface Manifest {
  /** Manifest format version; 1 today. */
  spec_version?: number;
  /** Environment name: the Space name, image tag and discovery key. */
  name: string;
  /** Deployment type, `space` for the reference. */
  type?: string;
  /** Server runtime: `fastapi` (Python) or `deno`. */
  runtime?: string;
  /** The app: `server.app:app` for Python, a module path for Deno. */
  app?: string;
  /** Port the server listens on. */
  port?: number;
  /** Public environment variables, pushed as Space variables. */
  variables?: Record<string, string | number | boolean>;
  /** What the environment is (legacy, read by discovery). */
  description?: string;
  /** Environment version (legacy). */
  version?: string;
  /** Action class name (legacy, used by discovery with `observation`). */
  action?: string;
  /** Observation class name (legacy). */
  observation?: string;
  /** Deno settings; Python tools ignore this block. */
  deno?: DenoBlock;
  /** Keys this version does not know. */
  [key: string]: unknown;
}

const relativeModule = z.string().min(1).refine(
  (s) => !s.startsWith("/") && !s.includes("\\") && /\.(ts|js|mts|mjs|tsx)$/.test(s),
  { message: 'must be a relative path to a .ts or .js module, like "server.ts"' },
);

const DenoPermissionsSchema = z.strictObject({
  net: PermissionValue.optional(),
  read: PermissionValue.optional(),
  write: PermissionValue.optional(),
  env: PermissionValue.optional(),
  run: PermissionValue.optional(),
  sys: PermissionValue.optional(),
  ffi: PermissionValue.optional(),
});

const DenoBlockSchema = z.strictObject({
  entry: relativeModule.default("server.ts"),
  app: relativeModule.optional(),
  permissions: DenoPermissionsSchema.optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const ManifestSchema = z.looseObject({
  spec_version: z.number().int().positive().optional(),
  name: z.string().regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'must start with a letter or digit and use only letters, digits, "_", "-" and "."',
  ),
  type: z.string().optional(),
  runtime: z.string().optional(),
  app: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), scalar).optional(),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  action: z.string().optional(),
  observation: z.string().optional(),
  deno: DenoBlockSchema.optional(),
});

/**
 * Parses manifest text; `source` names the file in errors.
 *
 * @example
 * ```ts
 * import { parseManifest } from "@openenv/cli/lib";
 *
 * const m = parseManifest("spec_version: 1\nname: echo_env\nport: 8000\n");
 * console.log(m.name, m.port); // echo_env 8000
 * ```
 */
export function parseManifest(text: string, source = MANIFEST_FILE): Manifest {
  let data: unknown;
  try {
    data = YAML.parse(text, { prettyErrors: true });
  } catch (error) {
    throw new CliError(`${source} is not valid YAML: ${(error as Error).message}`, {
      hint: "Fix the YAML syntax; indentation must use spaces.",
    });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new CliError(`${source} must be a mapping with at least a "name" key`, {
      hint: "Start from `spec_version: 1` and `name: my_env`.",
    });
  }
  const result = ManifestSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      const value = issue.path.reduce<unknown>(
        (o, k) => (o && typeof o === "object" ? (o as Record<PropertyKey, unknown>)[k] : undefined),
        data,
      );
      const got = value === undefined ? "missing" : `got ${JSON.stringify(value)}`;
      return `  - "${path}": ${issue.message} (${got})`;
    });
    throw new CliError(`${source} is not a valid manifest:\n${problems.join("\n")}`, {
      hint: 'See docs/CLI.md, section "openenv.yaml", for the fields.',
    });
  }
  return result.data as Manifest;
}

const KEY_ORDER = [
  "spec_version",
  "name",
  "type",
  "runtime",
  "app",
  "port",
  "description",
  "version",
  "action",
  "observation",
  "variables",
  "deno",
];

/**
 * Turns a manifest into YAML, known keys first in the reference's order.
 *
 * @example
 * ```ts
 * import { stringifyManifest } from "@openenv/cli/lib";
 *
 * console.log(stringifyManifest({ spec_version: 1, name: "my_env", port: 8000 }));
 * ```
 */
export function stringifyManifest(manifest: Manifest): string {
  const result = ManifestSchema.safeParse(manifest);
  if (!result.success) {
    throw new CliError(
      `Refusing to write an invalid manifest: ${result.error.issues[0].path.join(".")}: ${
        result.error.issues[0].message
      }`,
    );
  }
  const checked = result.data as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (checked[key] !== undefined) ordered[key] = checked[key];
  for (const [key, value] of Object.entries(checked)) {
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  }
  return YAML.stringify(ordered, { lineWidth: 0 });
}

/**
 * Reads and validates `<dir>/openenv.yaml`.
 *
 * @example
 * ```ts ignore
 * import { readManifest } from "@openenv/cli/lib";
 *
 * const { name, port } = await readManifest(".");
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = `${dir.replace(/\/+$/, "")}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CliError(`No ${MANIFEST_FILE} in "${dir}"`, {
        hint:
          "Run the command inside an environment folder, or create one with `openenv init <name>`.",
      });
    }
    throw error;
  }
  return parseManifest(text, path);
}

/**
 * Validates a manifest and writes it to `<dir>/openenv.yaml`.
 *
 * @example
 * ```ts ignore
 * import { writeManifest } from "@openenv/cli/lib";
 *
 * await writeManifest("my_env", { spec_version: 1, name: "my_env", port: 8000 });
 * ```
 */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await Deno.writeTextFile(
    `${dir.replace(/\/+$/, "")}/${MANIFEST_FILE}`,
    stringifyManifest(manifest),
  );
}

/** The Deno settings of a manifest, with defaults filled in. */
export function denoSettings(manifest: Manifest): DenoBlock {
  if (manifest.deno) return manifest.deno;
  // A manifest written for Python tools only: guess from `app` when it names a module.
  const app = manifest.app && /\.(ts|js|mts|mjs)$/.test(manifest.app) ? manifest.app : undefined;
  return { entry: "server.ts", app };
}
