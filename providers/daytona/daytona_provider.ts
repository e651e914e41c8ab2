/**
 * The Daytona provider: an environment in a Daytona sandbox, through
 * Daytona's REST API (sandbox create, state polling, toolbox process
 * execute, port preview URL, delete) with `fetch`.
 *
 * @module
 */
import { ProviderError } from "../errors.ts";
import type { EnvHandle, EnvProvider, StartOptions, WaitOptions } from "../provider.ts";
import { waitUntilHealthy } from "../wait_until_healthy.ts";

/** Options for {@linkcode DaytonaProvider}. */
export interface DaytonaProviderOptions {
  /** API key. @default {`$DAYTONA_API_KEY`} */
  apiKey?: string;
  /** API base URL. @default {`$DAYTONA_API_URL`, else `https://app.daytona.io/api`} */
  apiUrl?: string;
  /** Sent as `X-Daytona-Organization-ID` when set. */
  organizationId?: string;
  /** Region (`target`). */
  target?: string;
  /** Make previews public (no token needed). @default {false} */
  public?: boolean;
  /** Minutes of inactivity before Daytona stops the sandbox; 0 disables. @default {15} */
  autoStopInterval?: number;
  /** Labels every sandbox gets, besides `openenv.managed` and `openenv.session`. */
  labels?: Record<string, string>;
  /** Id written to the `openenv.session` label. @default {a random UUID} */
  sessionId?: string;
  /** A custom fetch. */
  fetch?: typeof fetch;
  /** Timeout of each API request, in milliseconds. @default {30000} */
  requestTimeoutMs?: number;
}

/** Options for {@linkcode DaytonaProvider.start}. */
export interface DaytonaStartOptions extends StartOptions {
  /** An image to build the sandbox from (`FROM <image>`). Give this or `snapshot`. */
  image?: string;
  /** A Daytona snapshot to create the sandbox from. */
  snapshot?: string;
  /** The port the server listens on (passed as `PORT`, previewed). @default {8000} */
  port?: number;
  /**
   * Shell command that starts the server in the sandbox (Daytona does not
   * run the image's CMD).
   * @default {`cd /app && deno run --no-config --no-npm --no-remote --allow-net --allow-env server.js`, the layout of this repository's env Dockerfiles}
   */
  command?: string;
  /** Resources: CPU cores, memory and disk in GiB (image-based sandboxes only). */
  resources?: { cpu?: number; memory?: number; disk?: number };
  /** Extra labels. */
  labels?: Record<string, string>;
  /** How long to wait for the sandbox to reach `started`, in milliseconds. @default {300000} */
  createTimeoutMs?: number;
}

/** A running sandbox. */
export interface DaytonaHandle extends EnvHandle {
  /** Always `"daytona"`. */
  readonly provider: "daytona";
  /** The sandbox id. */
  readonly id: string;
  /** Runs a shell command in the sandbox. */
  exec(command: string, timeoutS?: number): Promise<{ exitCode: number; result: string }>;
  /** The server's log (`/tmp/openenv-server.log`). */
  logs(): Promise<string>;
}

const DEFAULT_COMMAND =
  "cd /app && deno run --no-config --no-npm --no-remote --allow-net --allow-env server.js";
const LOG = "/tmp/openenv-server.log";
const PID = "/tmp/openenv-server.pid";

// deno-lint-ignore no-explicit-any
type Json = any;

function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Runs environments in Daytona sandboxes. Start creates the sandbox (from an
 * image or a snapshot, labelled for cleanup), waits until it is `started`,
 * launches the server with the toolbox's process API, gets the preview URL
 * of its port and waits on `/health` through it (with the preview token),
 * failing fast with the server log if the server process dies. Stop deletes
 * the sandbox; any failure after creation deletes it too.
 *
 * Built against Daytona's documented REST API and tested against a local
 * stand-in of it (no Daytona account is reachable from CI).
 *
 * @example
 * ```ts ignore
 * import { DaytonaProvider } from "@openenv/core/providers/daytona";
 * import { fromProvider } from "@openenv/core/providers";
 *
 * await using daytona = new DaytonaProvider(); // DAYTONA_API_KEY
 * await using env = await fromProvider(daytona, { image: "ghcr.io/me/echo-env:1.0" });
 * await env.reset();
 * ```
 */
export class DaytonaProvider implements EnvProvider<DaytonaStartOptions>, AsyncDisposable {
  /** `"daytona"`. */
  readonly name = "daytona";
  /** The `openenv.session` label value of this provider's sandboxes. */
  readonly sessionId: string;
  readonly #api: string;
  readonly #key: string;
  readonly #fetch: typeof fetch;
  readonly #options: DaytonaProviderOptions;
  readonly #handles = new Set<DaytonaHandle>();

  /**
   * Creates a provider.
   *
   * @throws {ProviderError} `PROVIDER_INVALID_OPTIONS` without an API key.
   */
  constructor(options: DaytonaProviderOptions = {}) {
    const key = options.apiKey ?? env("DAYTONA_API_KEY");
    if (!key) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        "DaytonaProvider needs an API key: pass apiKey or set DAYTONA_API_KEY.",
      );
    }
    this.#key = key;
    this.#api = (options.apiUrl ?? env("DAYTONA_API_URL") ?? "https://app.daytona.io/api")
      .replace(/\/+$/, "");
    this.#fetch = options.fetch ?? fetch;
    this.#options = options;
    this.sessionId = options.sessionId ?? crypto.randomUUID();
  }

  async #request(method: string, path: string, body?: unknown, accept404 = false): Promise<Json> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#key}`,
          accept: "application/json",
          ...(this.#options.organizationId
            ? { "x-daytona-organization-id": this.#options.organizationId }
            : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `The Daytona API at "${this.#api}" is unreachable: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const text = await res.text();
    if (res.status === 404 && accept404) return undefined;
    if (!res.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch { /* plain text */ }
      throw new ProviderError(
        res.status === 401 || res.status === 403 ? "PROVIDER_UNAVAILABLE" : "PROVIDER_START_FAILED",
        `Daytona ${method} ${path} answered ${res.status}: ${message}`,
        { details: { status: res.status, body: text } },
      );
    }
    return text ? JSON.parse(text) : undefined;
  }

  /**
   * Creates the sandbox, starts the server in it and (by default) waits
   * until `/health` answers through the preview URL.
   */
  async start(options: DaytonaStartOptions): Promise<DaytonaHandle> {
    if (!options?.image === !options?.snapshot) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        "DaytonaProvider.start needs exactly one of image or snapshot.",
      );
    }
    const port = options.port ?? 8000;
    const labels = {
      ...this.#options.labels,
      ...options.labels,
      "openenv.managed": "true",
      "openenv.session": this.sessionId,
    };
    const body = {
      ...(options.snapshot
        ? { snapshot: options.snapshot }
        : { buildInfo: { dockerfileContent: `FROM ${options.image}\n`, contextHashes: [] } }),
      env: { ...options.env, PORT: String(port) },
      labels,
      public: this.#options.public ?? false,
      autoStopInterval: this.#options.autoStopInterval ?? 15,
      ...(this.#options.target ? { target: this.#options.target } : {}),
      ...(options.resources ?? {}),
    };
    const created = await this.#request("POST", "/sandbox", body);
    const id: string = created?.id;
    if (!id) {
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        "Daytona created a sandbox but returned no id.",
        { details: { body: created } },
      );
    }
    const handle = this.#handle(id);
    try {
      await this.#waitStarted(id, created, options.createTimeoutMs ?? 300_000, options.signal);
      const command = options.command ?? DEFAULT_COMMAND;
      const launch = `nohup sh -c ${shq(command)} > ${LOG} 2>&1 < /dev/null & echo $! > ${PID}`;
      const started = await handle.exec(`sh -c ${shq(launch)}`, 30);
      if (started.exitCode !== 0) {
        throw new ProviderError(
          "PROVIDER_START_FAILED",
          `Launching the server in sandbox "${id}" failed (exit ${started.exitCode}): ${started.result}`,
        );
      }
      const preview = await this.#request(
        "GET",
        `/sandbox/${encodeURIComponent(id)}/ports/${port}/preview-url`,
      );
      Object.assign(handle, {
        baseUrl: String(preview.url).replace(/\/+$/, ""),
        headers: preview.token && !this.#options.public
          ? { "x-daytona-preview-token": String(preview.token) }
          : undefined,
      });
      if (options.waitUntilHealthy !== false) {
        await handle.waitUntilHealthy({
          timeoutMs: options.healthTimeoutMs ?? 120_000,
          signal: options.signal,
        });
      }
      return handle;
    } catch (e) {
      await handle.stop().catch(() => {});
      throw e;
    }
  }

  async #waitStarted(id: string, first: Json, timeoutMs: number, signal?: AbortSignal) {
    const deadline = Date.now() + timeoutMs;
    let sandbox = first;
    while (true) {
      const state = String(sandbox?.state ?? "").toLowerCase();
      if (state === "started") return;
      if (["error", "build_failed", "destroyed", "destroying"].includes(state)) {
        throw new ProviderError(
          "PROVIDER_START_FAILED",
          `The Daytona sandbox "${id}" is in state "${state}": ${
            sandbox?.errorReason ?? "no reason given"
          }.`,
          { details: { state, errorReason: sandbox?.errorReason } },
        );
      }
      if (Date.now() > deadline) {
        throw new ProviderError(
          "PROVIDER_HEALTH_TIMEOUT",
          `The Daytona sandbox "${id}" did not reach "started" within ${timeoutMs} ms (last state "${state}").`,
        );
      }
      signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, 500));
      sandbox = await this.#request("GET", `/sandbox/${encodeURIComponent(id)}`);
    }
  }

  #handle(id: string): DaytonaHandle {
    let stopping: Promise<void> | undefined;
    const exec = async (command: string, timeoutS = 10) => {
      const res = await this.#request(
        "POST",
        `/toolbox/${encodeURIComponent(id)}/toolbox/process/execute`,
        { command, timeout: timeoutS },
      );
      return {
        exitCode: Number(res?.exitCode ?? res?.code ?? -1),
        result: String(res?.result ?? ""),
      };
    };
    const logs = async () => (await exec(`tail -n 200 ${LOG}`)).result;
    // Rejects when the server process in the sandbox has died.
    const deathWatch = (signal: AbortSignal): Promise<never> =>
      (async () => {
        while (!signal.aborted) {
          await new Promise((r) => setTimeout(r, 1_000));
          if (signal.aborted) break;
          const probe = await exec(
            `sh -c ${shq(`kill -0 $(cat ${PID}) 2>/dev/null && echo ALIVE || echo DEAD`)}`,
          ).catch(() => undefined);
          if (probe?.result.trim() === "DEAD") {
            const text = await logs().catch(() => "");
            throw new ProviderError(
              "PROVIDER_START_FAILED",
              `The server in Daytona sandbox "${id}" exited before it answered GET /health. Its log:\n${
                text.trimEnd() || "(empty)"
              }`,
              { details: { sandbox: id, logs: text } },
            );
          }
        }
        return await new Promise<never>(() => {});
      })();
    const handle: DaytonaHandle = {
      provider: "daytona",
      id,
      baseUrl: "",
      headers: undefined,
      exec,
      logs,
      waitUntilHealthy: async (wait: WaitOptions = {}) => {
        const watching = new AbortController();
        try {
          await waitUntilHealthy(handle.baseUrl, {
            ...wait,
            headers: handle.headers,
            requestTimeoutMs: 5_000,
            maxIntervalMs: 1_000,
            failFast: deathWatch(watching.signal),
          });
        } finally {
          watching.abort();
        }
      },
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          await this.#request("DELETE", `/sandbox/${encodeURIComponent(id)}`, undefined, true);
        })(),
      [Symbol.asyncDispose]: () => handle.stop(),
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Deletes every sandbox labelled with this provider's session id.
   *
   * @returns How many sandboxes were deleted.
   */
  async cleanup(): Promise<number> {
    const labels = encodeURIComponent(
      JSON.stringify({ "openenv.managed": "true", "openenv.session": this.sessionId }),
    );
    const list = await this.#request("GET", `/sandbox?labels=${labels}`);
    const items: Json[] = Array.isArray(list) ? list : list?.items ?? [];
    let removed = 0;
    for (const s of items) {
      try {
        await this.#request("DELETE", `/sandbox/${encodeURIComponent(s.id)}`);
        removed++;
      } catch (e) {
        if ((e as ProviderError).details?.status !== 404) throw e;
      }
    }
    return removed;
  }

  /** Deletes the sandboxes this provider started and any left with its label. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#handles].map((h) => h.stop()));
    await this.cleanup().catch(() => {});
  }
}
