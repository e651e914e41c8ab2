/**
 * Deno permissions for sandboxed environment processes: what an environment
 * may ask for in its manifest (`openenv.yaml`, key `deno.permissions`), and
 * how that becomes `deno run` flags.
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ProviderError } from "./errors.ts";

/**
 * Extra permissions an environment asks for. `true` grants the whole
 * category; a list grants only those entries. Paths (in `read`, `write`,
 * `ffi` and path-like `run` entries) are relative to the environment's
 * directory. Without an entry a category is denied. The environment's own
 * loopback port is always granted and needs no entry.
 */
export interface DenoPermissions {
  /** Files and directories it may read. */
  read?: boolean | string[];
  /** Files and directories it may write. */
  write?: boolean | string[];
  /** Environment variables it may read. */
  env?: boolean | string[];
  /** Hosts (`host` or `host:port`) it may reach besides its own port. */
  net?: boolean | string[];
  /** Programs it may spawn. */
  run?: boolean | string[];
  /** Native libraries it may load. */
  ffi?: boolean | string[];
  /** System information APIs it may call (`hostname`, `osRelease`, ...). */
  sys?: boolean | string[];
}

const entry = z.union([z.boolean(), z.array(z.string().min(1))]);
const PermissionsSchema = z.strictObject({
  read: entry.optional(),
  write: entry.optional(),
  env: entry.optional(),
  net: entry.optional(),
  run: entry.optional(),
  ffi: entry.optional(),
  sys: entry.optional(),
});

/** What the process provider reads from an environment's `openenv.yaml`. */
export interface EnvManifest {
  /** `name`. */
  name?: string;
  /** `app`: the module whose default export is the server app, relative to the manifest. */
  app?: string;
  /** `deno.permissions`. */
  permissions: DenoPermissions;
}

/**
 * Reads `openenv.yaml` in a directory: the environment's name, its app module
 * and the `deno.permissions` it asks for. Keys the Python tools know are left
 * alone; `deno` is ours and they ignore it.
 *
 * @param dir The environment's directory.
 * @returns The manifest, or `undefined` when the directory has no `openenv.yaml`.
 * @throws {ProviderError} `PROVIDER_INVALID_OPTIONS` when the file is not valid YAML
 * or `deno.permissions` is malformed.
 *
 * @example
 * ```ts ignore
 * import { readEnvManifest } from "@openenv/core/providers";
 *
 * const manifest = await readEnvManifest("envs/echo");
 * console.log(manifest?.app, manifest?.permissions); // "app.ts" {}
 * ```
 */
export async function readEnvManifest(dir: string): Promise<EnvManifest | undefined> {
  const file = join(dir, "openenv.yaml");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `The manifest "${file}" is not valid YAML: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const root = (doc && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
  const deno = (root.deno && typeof root.deno === "object" ? root.deno : {}) as Record<
    string,
    unknown
  >;
  const parsed = PermissionsSchema.safeParse(deno.permissions ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `The manifest "${file}" has an invalid "deno.permissions" at "${
        ["deno", "permissions", ...issue.path].join(".")
      }": ${issue.message}. Use true, false or a list of strings for read, write, env, net, run, ffi or sys.`,
    );
  }
  return {
    name: typeof root.name === "string" ? root.name : undefined,
    app: typeof root.app === "string" ? root.app : undefined,
    permissions: parsed.data,
  };
}

/** Options for {@linkcode permissionFlags}. */
export interface PermissionFlagsOptions {
  /** The loopback port the server listens on; always granted. */
  port: number;
  /** Directory relative paths are resolved against. */
  baseDir: string;
  /** Loopback host the server binds. @default {"127.0.0.1"} */
  hostname?: string;
}

/**
 * Turns permissions into `deno run` flags: `--allow-net` limited to the
 * server's own `host:port` (plus `net` entries), and nothing else unless
 * asked for.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "@openenv/core/providers";
 *
 * permissionFlags({ env: ["API_KEY"] }, { port: 9000, baseDir: "/envs/x" });
 * // ["--allow-net=127.0.0.1:9000", "--allow-env=API_KEY"]
 * ```
 */
export function permissionFlags(
  permissions: DenoPermissions,
  options: PermissionFlagsOptions,
): string[] {
  const own = `${options.hostname ?? "127.0.0.1"}:${options.port}`;
  const flags: string[] = [];
  const net = permissions.net;
  if (net === true) flags.push("--allow-net");
  else flags.push(`--allow-net=${[own, ...(Array.isArray(net) ? net : [])].join(",")}`);
  const paths = (list: string[]) =>
    list.map((p) => (isAbsolute(p) ? p : resolve(options.baseDir, p)));
  const add = (name: string, value: boolean | string[] | undefined, isPath: boolean) => {
    if (value === undefined || value === false) return;
    if (value === true) flags.push(`--allow-${name}`);
    else if (value.length > 0) {
      const list = isPath ? paths(value) : value;
      for (const item of list) {
        if (item.includes(",")) {
          throw new ProviderError(
            "PROVIDER_INVALID_OPTIONS",
            `The ${name} permission entry "${item}" contains a comma, which deno cannot express in a flag.`,
          );
        }
      }
      flags.push(`--allow-${name}=${list.join(",")}`);
    }
  };
  add("read", permissions.read, true);
  add("write", permissions.write, true);
  add("env", permissions.env, false);
  add("sys", permissions.sys, false);
  add("ffi", permissions.ffi, true);
  if (Array.isArray(permissions.run)) {
    add(
      "run",
      permissions.run.map((p) => (p.includes("/") ? resolve(options.baseDir, p) : p)),
      false,
    );
  } else add("run", permissions.run, false);
  return flags;
}

/**
 * Merges two permission sets: `true` wins, lists are united.
 *
 * @example
 * ```ts
 * import { mergePermissions } from "@openenv/core/providers";
 *
 * mergePermissions({ env: ["A"] }, { env: ["B"], read: true }); // { env: ["A", "B"], read: true }
 * ```
 */
export function mergePermissions(a: DenoPermissions, b: DenoPermissions): DenoPermissions {
  const out: DenoPermissions = {};
  for (const key of ["read", "write", "env", "net", "run", "ffi", "sys"] as const) {
    const x = a[key], y = b[key];
    if (x === undefined && y === undefined) continue;
    if (x === true || y === true) out[key] = true;
    else {
      out[key] = [...new Set([...(Array.isArray(x) ? x : []), ...(Array.isArray(y) ? y : [])])];
    }
  }
  return out;
}
