/**
 * The process provider: runs an environment's server app as a Deno
 * subprocess with least privilege. No Docker needed; starts in a fraction of
 * a second.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type DenoPermissions,
  mergePermissions,
  permissionFlags,
  readEnvManifest,
} from "./deno_permissions.ts";
import { ProviderError } from "./errors.ts";
import { freePort } from "./_free_port.ts";
import { OutputBuffer } from "./_output_buffer.ts";
import type { EnvHandle, EnvProvider, StartOptions, WaitOptions } from "./provider.ts";
import { waitUntilHealthy } from "./wait_until_healthy.ts";

/**
 * How the child gets its code without being able to download any.
 *
 * - `"bundle"` (default): the app and its dependencies are bundled once with
 *   `deno bundle` into one file, which runs with `--no-npm --no-remote
 *   --no-config`: the child cannot resolve any npm or remote module at all.
 * - `"cached"`: `deno cache` first, then run with `--cached-only
 *   --no-remote`. For apps that do not bundle (WASM or files loaded from
 *   `node_modules`); the child can still import npm packages that are
 *   already in the cache (with the same permissions), but downloads nothing.
 */
export type ModuleGraphMode = "bundle" | "cached";

/** Options for {@linkcode ProcessProvider.start}. */
export interface ProcessStartOptions extends StartOptions {
  /**
   * The environment: a directory with an `openenv.yaml` whose `app` names the
   * app module, or the app module itself (a path or `file:` URL; its default
   * export has `fetch`, like `createApp`'s result).
   */
  module: string | URL;
  /** Permissions on top of those the manifest asks for. */
  permissions?: DenoPermissions;
  /** The `deno.json` that resolves the app's bare imports. @default {the nearest one above the app} */
  config?: string;
  /** How the child's module graph is prepared. @default {"bundle"} */
  moduleGraph?: ModuleGraphMode;
  /** V8 heap limit of the child, in MiB. */
  memoryLimitMb?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL, in milliseconds. @default {3000} */
  stopGraceMs?: number;
  /** Called with each chunk the child writes to stdout or stderr. */
  onOutput?: (chunk: string) => void;
}

/** Options for {@linkcode ProcessProvider}. */
export interface ProcessProviderOptions {
  /** The deno binary. @default {Deno.execPath()} */
  denoPath?: string;
}

/** A prepared environment: what {@linkcode ProcessProvider.prepare} returns. */
export interface PreparedModule {
  /** The file the child runs. */
  readonly entry: string;
  /** The app module. */
  readonly app: string;
  /** Working directory of the child (the environment's directory). */
  readonly cwd: string;
  /** Permissions from the manifest. */
  readonly permissions: DenoPermissions;
  /** The graph mode used. */
  readonly moduleGraph: ModuleGraphMode;
  /** The config used, if any. */
  readonly config?: string;
}

/** A running environment process. */
export interface ProcessHandle extends EnvHandle {
  /** Always `"process"`. */
  readonly provider: "process";
  /** The child's PID. */
  readonly pid: number;
  /** The loopback port it listens on. */
  readonly port: number;
  /** The exact `deno` arguments, to see what it may do. */
  readonly args: readonly string[];
  /** Resolves when the child has exited (and been reaped). */
  readonly exited: Promise<Deno.CommandStatus>;
  /** The last 64 KiB of its stdout and stderr. */
  output(): string;
}

const live = new Set<Deno.ChildProcess>();
let unloadHooked = false;
function track(child: Deno.ChildProcess): void {
  live.add(child);
  if (!unloadHooked) {
    unloadHooked = true;
    // A script that exits without stopping its environments must not leak them.
    globalThis.addEventListener("unload", () => {
      for (const c of live) {
        try {
          c.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    });
  }
}

/**
 * Runs environments as sandboxed Deno subprocesses.
 *
 * The child gets `--allow-net=127.0.0.1:<its port>` and nothing else: no
 * file, env, run, ffi or sys access unless the environment's manifest (or
 * `permissions`) asks for it, no other hosts or ports, and no way to load
 * code from npm or the network. It binds loopback only.
 *
 * @example Start the echo environment and step it over HTTP
 * ```ts ignore
 * import { ProcessProvider } from "@openenv/core/providers";
 *
 * await using provider = new ProcessProvider();
 * await using env = await provider.start({ module: "envs/echo" });
 * const res = await fetch(`${env.baseUrl}/step`, {
 *   method: "POST",
 *   body: JSON.stringify({ action: { message: "hi" } }),
 * });
 * console.log((await res.json()).reward); // 0.2
 * ```
 */
export class ProcessProvider implements EnvProvider<ProcessStartOptions>, AsyncDisposable {
  /** `"process"`. */
  readonly name = "process";
  readonly #deno: string;
  readonly #prepared = new Map<string, Promise<PreparedModule>>();
  readonly #handles = new Set<ProcessHandle>();
  #workDir?: string;
  #onUnload?: () => void;

  /**
   * Creates a provider.
   *
   * @param options Which deno binary to run.
   */
  constructor(options: ProcessProviderOptions = {}) {
    this.#deno = options.denoPath ?? Deno.execPath();
  }

  /**
   * Resolves the environment, reads its manifest and prepares its module
   * graph (bundles or caches it). `start` does this on first use; call it
   * ahead of time to keep it out of the start latency. Results are memoized
   * per module, config and mode.
   *
   * @example
   * ```ts ignore
   * const provider = new ProcessProvider();
   * await provider.prepare({ module: "envs/echo" });
   * ```
   */
  prepare(
    options: Pick<ProcessStartOptions, "module" | "config" | "moduleGraph">,
  ): Promise<PreparedModule> {
    const key = JSON.stringify([String(options.module), options.config, options.moduleGraph]);
    let prepared = this.#prepared.get(key);
    if (!prepared) {
      prepared = this.#prepare(options);
      this.#prepared.set(key, prepared);
      prepared.catch(() => this.#prepared.delete(key));
    }
    return prepared;
  }

  async #prepare(
    options: Pick<ProcessStartOptions, "module" | "config" | "moduleGraph">,
  ): Promise<PreparedModule> {
    const mode = options.moduleGraph ?? "bundle";
    if (mode !== "bundle" && mode !== "cached") {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        `Unknown moduleGraph "${mode}"; use "bundle" or "cached".`,
      );
    }
    const { app, dir, permissions } = await resolveEnv(options.module);
    const config = options.config !== undefined
      ? resolve(options.config)
      : await findConfig(dirname(app));
    const work = await this.#dir();
    const id = crypto.randomUUID().slice(0, 8);
    const entry = join(work, `entry_${id}.ts`);
    const serveUrl = new URL("../server/serve.ts", import.meta.url).href;
    await Deno.writeTextFile(entry, entrySource(pathToFileURL(app).href, serveUrl));
    const configArgs = config ? ["--config", config] : ["--no-config"];
    if (mode === "bundle") {
      const out = join(work, `bundle_${id}.js`);
      await runDeno(this.#deno, ["bundle", "--quiet", ...configArgs, "-o", out, entry], dir, app);
      return { entry: out, app, cwd: dir, permissions, moduleGraph: mode };
    }
    await runDeno(this.#deno, ["cache", "--quiet", ...configArgs, entry], dir, app);
    return { entry, app, cwd: dir, permissions, moduleGraph: mode, config };
  }

  async #dir(): Promise<string> {
    if (!this.#workDir) {
      this.#workDir = await Deno.makeTempDir({ prefix: "openenv-process-" });
      const dir = this.#workDir;
      this.#onUnload = () => {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch { /* already removed */ }
      };
      globalThis.addEventListener("unload", this.#onUnload);
    }
    return this.#workDir;
  }

  /**
   * Starts the environment on a free loopback port and (by default) waits
   * until `GET /health` answers.
   *
   * @throws {ProviderError} `PROVIDER_START_FAILED` with the child's output
   * when it exits while starting; `PROVIDER_HEALTH_TIMEOUT` when it never
   * becomes healthy (it is stopped first).
   */
  async start(options: ProcessStartOptions): Promise<ProcessHandle> {
    const prepared = await this.prepare(options);
    const permissions = mergePermissions(prepared.permissions, options.permissions ?? {});
    const envKeys = Object.keys(options.env ?? {});
    const granted = envKeys.length > 0
      ? mergePermissions(permissions, { env: envKeys })
      : permissions;
    for (let attempt = 1;; attempt++) {
      options.signal?.throwIfAborted();
      const port = freePort();
      const handle = this.#spawn(prepared, granted, port, options);
      if (options.waitUntilHealthy === false) return handle;
      try {
        await handle.waitUntilHealthy({
          timeoutMs: options.healthTimeoutMs ?? 30_000,
          signal: options.signal,
        });
        return handle;
      } catch (e) {
        await handle.stop();
        if (e instanceof ProviderError) Object.assign(e.details, { pid: handle.pid });
        // Another process took the port between our probe and the child's bind: retry.
        if (attempt < 3 && /AddrInUse|Address already in use/i.test(handle.output())) continue;
        throw e;
      }
    }
  }

  #spawn(
    prepared: PreparedModule,
    permissions: DenoPermissions,
    port: number,
    options: ProcessStartOptions,
  ): ProcessHandle {
    const runArgs = prepared.moduleGraph === "bundle"
      ? ["--no-config", "--no-npm", "--no-remote"]
      : [
        ...(prepared.config ? ["--config", prepared.config] : ["--no-config"]),
        "--cached-only",
        "--no-remote",
      ];
    const args = [
      "run",
      ...runArgs,
      "--no-prompt",
      ...permissionFlags(permissions, { port, baseDir: prepared.cwd }),
      ...(options.memoryLimitMb
        ? [`--v8-flags=--max-old-space-size=${options.memoryLimitMb}`]
        : []),
      prepared.entry,
      String(port),
    ];
    const child = new Deno.Command(this.#deno, {
      args,
      cwd: prepared.cwd,
      clearEnv: true,
      env: { ...childBaseEnv(), ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    track(child);
    const output = new OutputBuffer(64 * 1024, options.onOutput);
    const drained = Promise.all([output.drain(child.stdout), output.drain(child.stderr)]);
    const exited = child.status.then(async (status) => {
      live.delete(child);
      await drained;
      return status;
    });
    let stopping: Promise<void> | undefined;
    const baseUrl = `http://127.0.0.1:${port}`;
    const failFast = (): Promise<never> =>
      exited.then((status) => {
        throw new ProviderError(
          "PROVIDER_START_FAILED",
          `The environment process for "${prepared.app}" exited with ${
            status.signal ? `signal ${status.signal}` : `code ${status.code}`
          } before it answered GET /health. Its output:\n${output.tail() || "(no output)"}`,
          { details: { code: status.code, signal: status.signal, output: output.tail(), args } },
        );
      });
    const grace = options.stopGraceMs ?? 3_000;
    const handle: ProcessHandle = {
      provider: "process",
      id: String(child.pid),
      pid: child.pid,
      port,
      baseUrl,
      args,
      exited,
      output: () => output.text(),
      waitUntilHealthy: (wait: WaitOptions = {}) =>
        waitUntilHealthy(baseUrl, { ...wait, failFast: failFast() }),
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          if (live.has(child)) {
            try {
              child.kill("SIGTERM");
            } catch { /* exited meanwhile */ }
            let timer: ReturnType<typeof setTimeout> | undefined;
            const timedOut = await Promise.race([
              exited.then(() => false),
              new Promise<boolean>((r) => timer = setTimeout(() => r(true), grace)),
            ]);
            clearTimeout(timer);
            if (timedOut) {
              try {
                child.kill("SIGKILL");
              } catch { /* exited meanwhile */ }
            }
          }
          await exited;
        })(),
      [Symbol.asyncDispose]: () => handle.stop(),
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Stops every environment this provider started that is still running and
   * removes its bundles.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.#handles].map((h) => h.stop()));
    this.#prepared.clear();
    if (this.#workDir) {
      await Deno.remove(this.#workDir, { recursive: true }).catch(() => {});
      this.#workDir = undefined;
    }
    if (this.#onUnload) globalThis.removeEventListener("unload", this.#onUnload);
    this.#onUnload = undefined;
  }
}

function entrySource(appUrl: string, serveUrl: string): string {
  return `// Generated by @openenv/core/providers (process provider).
import app from ${JSON.stringify(appUrl)};
import { serve } from ${JSON.stringify(serveUrl)};

if (typeof app?.fetch !== "function") {
  throw new Error(${
    JSON.stringify(`The module "${appUrl}" must default-export an app with a fetch method.`)
  });
}
const target = { fetch: (r) => app.fetch(r), close: async () => { await app.close?.(); } };
serve(target, {
  port: Number(Deno.args[0]),
  hostname: "127.0.0.1",
  handleSignals: true,
  onListen: () => {},
});
`;
}

function childBaseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const key of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "PATH"]) {
    try {
      const value = Deno.env.get(key);
      if (value) env[key] = value;
    } catch { /* no env permission: the child does without */ }
  }
  return env;
}

async function resolveEnv(
  module: string | URL,
): Promise<{ app: string; dir: string; permissions: DenoPermissions }> {
  const raw = module instanceof URL || String(module).startsWith("file:")
    ? fileURLToPath(module)
    : String(module);
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) && !isAbsolute(raw)) {
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `The module "${raw}" is not a local path; the process provider runs local environments only.`,
    );
  }
  const path = resolve(raw);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `The environment "${raw}" does not exist; pass an environment directory (with openenv.yaml) or its app module.`,
    );
  }
  if (info.isDirectory) {
    const manifest = await readEnvManifest(path);
    const candidates = manifest?.app ? [manifest.app] : ["app.ts", "server/app.ts"];
    for (const candidate of candidates) {
      const app = resolve(path, candidate);
      if (/\.(m?[jt]sx?)$/.test(candidate) && await exists(app)) {
        return { app, dir: path, permissions: manifest?.permissions ?? {} };
      }
    }
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `The environment directory "${raw}" has no app module: set "app" in its openenv.yaml to a .ts or .js file (tried ${
        candidates.map((c) => `"${c}"`).join(", ")
      }).`,
    );
  }
  // A module file: its manifest sits next to it or one level up (server/app.ts).
  for (const dir of [dirname(path), dirname(dirname(path))]) {
    const manifest = await readEnvManifest(dir);
    if (manifest) return { app: path, dir, permissions: manifest.permissions };
  }
  return { app: path, dir: dirname(path), permissions: {} };
}

async function findConfig(from: string): Promise<string | undefined> {
  for (let dir = from;; dir = dirname(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      if (await exists(join(dir, name))) return join(dir, name);
    }
    if (dirname(dir) === dir) return undefined;
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

async function runDeno(deno: string, args: string[], cwd: string, app: string): Promise<void> {
  const out = await new Deno.Command(deno, {
    args,
    cwd,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = (new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout))
      .trim().split("\n").filter((l) => !/^\s+\d+: |Stack backtrace/.test(l)).slice(-30).join("\n");
    throw new ProviderError(
      "PROVIDER_START_FAILED",
      `Preparing "${app}" with "deno ${args[0]}" failed:\n${text}`,
      { details: { output: text, args } },
    );
  }
}
