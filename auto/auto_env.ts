/**
 * `AutoEnv`: find an environment by name (a local package with an
 * `openenv.yaml`, or a Hugging Face Space id) and return a connected client,
 * typed with the package's schemas when it has them.
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "../client/env_client.ts";
import { MCPToolClient } from "../client/mcp_tool_client.ts";
import type { EnvSchemas, Schema } from "../client/types.ts";
import { fromProcess } from "../providers/managed_client.ts";
import { ProcessProvider, type ProcessStartOptions } from "../providers/process_provider.ts";
import type { EnvHandle } from "../providers/provider.ts";
import {
  discoverEnvironments,
  type DiscoverOptions,
  type EnvironmentInfo,
  readEnvironment,
} from "./discovery.ts";
import { envKey, isHubName, spaceImage, spaceRepoId, spaceUrl } from "./names.ts";

type Json = Record<string, unknown>;

/** Client options AutoEnv passes through (schemas come from the package). */
export type AutoClientOptions = Omit<
  EnvClientOptions<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>,
  "schemas"
>;

/** Options of {@linkcode AutoEnv.fromEnv}. */
export interface AutoEnvOptions extends DiscoverOptions {
  /** Connect to this running server instead of starting the environment or probing a Space. */
  baseUrl?: string;
  /**
   * Maps a Space id to its URL. @default {spaceUrl} (`https://<owner>-<space>.hf.space`);
   * tests point it at a local stand-in.
   */
  resolveSpaceUrl?: (repoId: string) => string;
  /** Time limit of each health probe, in seconds. @default {5} */
  probeTimeoutS?: number;
  /** `"env"`: an {@linkcode EnvClient}; `"tools"`: an {@linkcode MCPToolClient}. @default {"env"} */
  kind?: "env" | "tools";
  /** Options of the client (time limits, headers, reconnect). */
  client?: AutoClientOptions;
  /** How to start a local environment (permissions, memory limit, …). */
  process?: Omit<ProcessStartOptions, "module">;
}

/** The schemas an environment package exports, found by name. */
export type LoadedSchemas = EnvSchemas<
  Record<string, unknown>,
  Record<string, unknown>,
  Record<string, unknown>
>;

async function healthy(url: string, timeoutS: number): Promise<boolean> {
  for (const path of ["/health", "/"]) {
    try {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutS * 1000) });
      await res.body?.cancel();
      if (res.ok) return true;
    } catch { /* try the next probe */ }
  }
  return false;
}

/** A filesystem path (`./x`, `../x`, `/x`) names an environment directory, not a Space. */
function isPath(name: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(name);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function isSchema(value: unknown): value is Schema<Json> {
  return value !== null && typeof value === "object" &&
    typeof (value as Schema<Json>).safeParse === "function";
}

class ManagedToolClient extends MCPToolClient {
  #handle: EnvHandle;
  #provider: ProcessProvider;
  #closed?: Promise<void>;
  constructor(handle: EnvHandle, provider: ProcessProvider, options: AutoClientOptions) {
    super(handle.baseUrl, options);
    this.#handle = handle;
    this.#provider = provider;
  }
  override close(): Promise<void> {
    return this.#closed ??= (async () => {
      try {
        await super.close();
      } finally {
        await this.#handle.stop();
        await this.#provider[Symbol.asyncDispose]();
      }
    })();
  }
}

/**
 * Finds environments by name and returns connected clients, like the
 * reference's `AutoEnv`. Not instantiable: use its static methods.
 *
 * - A **local** name (`echo`, `echo-env`, `echo_env`) is looked up among the
 *   workspace's environment packages (directories with an `openenv.yaml`).
 *   Without `baseUrl`, the environment is started in a sandboxed Deno
 *   process, stopped again when the client closes. The client is typed
 *   with the package's exported schemas (`<Pascal>Action`,
 *   `<Pascal>Observation`, `<Pascal>State`, or the manifest's `action` and
 *   `observation` names).
 * - A **path** (`./envs/echo`, `/abs/dir`) names an environment directory directly.
 * - A **Space** (`owner/space` or a `huggingface.co/spaces/…` URL) is probed
 *   at its `hf.space` URL (`/` and `_` both become `-`) and connected to.
 *
 * @example
 * ```ts ignore
 * import { AutoEnv } from "@openenv/core/auto";
 *
 * await using echo = await AutoEnv.fromEnv("echo");
 * await echo.reset();
 * const { reward } = await echo.step({ message: "hello" });
 *
 * await using space = await AutoEnv.fromEnv("openenv/echo_env", { kind: "tools" });
 * ```
 */
export class AutoEnv {
  /** @throws {TypeError} Always: AutoEnv is a factory. */
  private constructor() {
    throw new TypeError("AutoEnv cannot be instantiated: use AutoEnv.fromEnv(name)");
  }

  /** Every local environment (see `discoverEnvironments`). */
  static list(options: DiscoverOptions = {}): Promise<EnvironmentInfo[]> {
    return discoverEnvironments(options);
  }

  /**
   * The local environment with this name (any spelling with the same key,
   * its directory name, or its package name).
   *
   * @throws {RangeError} When there is none, with close matches.
   */
  static async find(name: string, options: DiscoverOptions = {}): Promise<EnvironmentInfo> {
    if (isPath(name)) return await readEnvironment(name);
    const all = await discoverEnvironments(options);
    const key = envKey(name);
    const match = all.find((e) =>
      e.key === key || envKey(e.directory.slice(e.directory.lastIndexOf("/") + 1)) === key ||
      e.packageName === name || (e.packageName && envKey(e.packageName.split("/").pop()!) === key)
    );
    if (match) return match;
    const close = all.filter((e) => distance(e.key, key) <= 2).map((e) => `'${e.key}'`);
    throw new RangeError(
      `Unknown environment '${name}'.${
        close.length ? ` Did you mean ${close.join(" or ")}?` : ""
      } ` +
        `Available: ${all.map((e) => e.key).join(", ") || "none (no openenv.yaml found)"}.`,
    );
  }

  /**
   * The zod schemas a local environment package exports (the reference's
   * `AutoAction`, for all three models). Missing ones are left out.
   *
   * @throws {RangeError} When the environment is unknown.
   * @throws {Error} When the package has no main module or cannot be loaded.
   */
  static async schemas(name: string, options: DiscoverOptions = {}): Promise<LoadedSchemas> {
    const info = await AutoEnv.find(name, options);
    return await loadSchemas(info);
  }

  /**
   * Finds an environment and returns a connected client.
   *
   * @param name A local name or a Space id/URL.
   * @param options Where to connect, which client, discovery paths.
   * @returns The client; closing it also stops an environment it started.
   * @throws {RangeError} For an unknown local name.
   * @throws {Error} When the server or Space does not answer.
   */
  static async fromEnv(name: string, options: AutoEnvOptions = {}): Promise<EnvClient> {
    const probeS = options.probeTimeoutS ?? 5;
    const clientOptions = options.client ?? {};
    const connect = async (url: string, schemas: LoadedSchemas): Promise<EnvClient> => {
      const client = options.kind === "tools"
        ? new MCPToolClient(url, clientOptions)
        : new EnvClient<Json, Json, Json>(url, { ...clientOptions, schemas });
      try {
        await client.connect();
      } catch (error) {
        await client.close();
        throw error;
      }
      return client;
    };

    if (isHubName(name) && !isPath(name)) {
      const repoId = spaceRepoId(name);
      const url = options.baseUrl ?? (options.resolveSpaceUrl ?? spaceUrl)(repoId);
      if (!await healthy(url, probeS)) {
        throw new Error(
          `Space '${repoId}' does not answer at ${url}. Wake it up on Hugging Face, or run its ` +
            `image '${spaceImage(repoId)}' with a container provider and pass baseUrl.`,
        );
      }
      return await connect(url, {});
    }

    const info = await AutoEnv.find(name, options);
    const schemas = options.kind === "tools" ? {} : await loadSchemas(info);
    if (options.baseUrl) {
      if (!await healthy(options.baseUrl, probeS)) {
        throw new Error(`Server not available at ${options.baseUrl}: is '${info.name}' running?`);
      }
      return await connect(options.baseUrl, schemas);
    }
    if (options.kind === "tools") {
      const provider = new ProcessProvider();
      let handle: EnvHandle;
      try {
        handle = await provider.start({ ...options.process, module: info.directory });
      } catch (error) {
        await provider[Symbol.asyncDispose]();
        throw error;
      }
      const client = new ManagedToolClient(handle, provider, clientOptions);
      try {
        await client.connect();
      } catch (error) {
        await client.close();
        throw error;
      }
      return client;
    }
    return await fromProcess<Json, Json, Json>({
      ...options.process,
      module: info.directory,
      client: { ...clientOptions, schemas },
    });
  }
}

async function loadSchemas(info: EnvironmentInfo): Promise<LoadedSchemas> {
  if (!info.entry) {
    throw new Error(
      `Environment '${info.name}' has no main module: add "exports": "./mod.ts" to ${info.directory}/deno.json`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(new URL(`file://${info.entry}`).href);
  } catch (cause) {
    throw new Error(`Cannot load '${info.entry}': ${(cause as Error).message}`, { cause });
  }
  const pick = (exportName: string) => isSchema(mod[exportName]) ? mod[exportName] : undefined;
  const schemas: LoadedSchemas = {};
  const action = pick(info.actionExport);
  const observation = pick(info.observationExport);
  const state = pick(info.stateExport);
  if (action) schemas.action = action;
  if (observation) schemas.observation = observation;
  if (state) schemas.state = state;
  return schemas;
}
