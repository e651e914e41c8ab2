/**
 * The local Docker provider: one container per environment, started through
 * the Docker Engine API (dockerode over the daemon's unix socket).
 *
 * @module
 */
import { freePort } from "../_free_port.ts";
import { ProviderError } from "../errors.ts";
import type { EnvHandle, EnvProvider, StartOptions, WaitOptions } from "../provider.ts";
import { waitUntilHealthy } from "../wait_until_healthy.ts";
import {
  connectDocker,
  demuxLogs,
  type Docker,
  type DockerConnectionOptions,
  MANAGED_LABEL,
  SESSION_LABEL,
  statusOf,
} from "./_engine.ts";

/** Options for {@linkcode DockerProvider}. */
export interface DockerProviderOptions extends DockerConnectionOptions {
  /** Labels every container gets, besides `openenv.managed` and `openenv.session`. */
  labels?: Record<string, string>;
  /** Id written to the `openenv.session` label. @default {a random UUID} */
  sessionId?: string;
}

/** Options for {@linkcode DockerProvider.start}. */
export interface DockerStartOptions extends StartOptions {
  /** The image, for example `openenv/echo-env:latest`. It must exist locally (nothing is pulled). */
  image: string;
  /**
   * `"host"` (default): the container shares the host's network and the
   * server listens on a free host port, passed as `PORT`. Any other value
   * is a user-defined network: the container port is published on a free
   * loopback port.
   */
  network?: string;
  /** The port the server listens on inside the container, for published networks. @default {8000} */
  containerPort?: number;
  /** Container name. @default {`openenv-<image name>-<random>`} */
  name?: string;
  /** Extra labels. */
  labels?: Record<string, string>;
  /** Memory limit in MiB. */
  memoryLimitMb?: number;
  /** CPU limit (for example 0.5). */
  cpus?: number;
  /** Overrides the image's command. */
  command?: string[];
  /** Seconds `stop` waits after SIGTERM before SIGKILL. @default {5} */
  stopTimeoutS?: number;
}

/** A running container. */
export interface DockerHandle extends EnvHandle {
  /** Always `"docker"`. */
  readonly provider: "docker";
  /** The container id. */
  readonly id: string;
  /** The container name. */
  readonly name: string;
  /** The host port the server answers on. */
  readonly port: number;
  /** The container's stdout and stderr so far. */
  logs(): Promise<string>;
}

/**
 * Runs environment images as local Docker containers: `--init`, labelled
 * for cleanup, host networking by default, health-checked, and removed on
 * stop.
 *
 * @example
 * ```ts ignore
 * import { DockerProvider } from "@openenv/core/providers/docker";
 *
 * await using docker = new DockerProvider();
 * await using env = await docker.start({ image: "openenv/echo-env:latest" });
 * console.log(await fetch(`${env.baseUrl}/health`).then((r) => r.json()));
 * ```
 */
export class DockerProvider implements EnvProvider<DockerStartOptions>, AsyncDisposable {
  /** `"docker"`. */
  readonly name = "docker";
  /** The `openenv.session` label value of this provider's containers. */
  readonly sessionId: string;
  readonly #options: DockerProviderOptions;
  readonly #handles = new Set<DockerHandle>();
  #docker?: Promise<Docker>;

  /**
   * Creates a provider; the daemon is contacted on first use.
   *
   * @param options Socket path, labels and session id.
   */
  constructor(options: DockerProviderOptions = {}) {
    this.#options = options;
    this.sessionId = options.sessionId ?? crypto.randomUUID();
  }

  #engine(): Promise<Docker> {
    this.#docker ??= connectDocker(this.#options);
    this.#docker.catch(() => this.#docker = undefined);
    return this.#docker;
  }

  /**
   * Creates and starts a container and (by default) waits until its
   * `/health` answers. On any failure the container is removed.
   *
   * @throws {ProviderError} `PROVIDER_UNAVAILABLE` when the daemon is
   * unreachable, `PROVIDER_START_FAILED` (with the container's logs) when the
   * image is missing or the container exits, `PROVIDER_HEALTH_TIMEOUT`.
   */
  async start(options: DockerStartOptions): Promise<DockerHandle> {
    if (!options?.image || typeof options.image !== "string") {
      throw new ProviderError("PROVIDER_INVALID_OPTIONS", "DockerProvider.start needs an image.");
    }
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#startOnce(options);
      } catch (e) {
        // Another process took the free port between our probe and the server's bind: retry.
        const text = e instanceof ProviderError
          ? `${e.message}\n${String(e.details.logs ?? "")}`
          : "";
        if (
          attempt < 3 && /AddrInUse|address already in use|port is already allocated/i.test(text)
        ) {
          continue;
        }
        throw e;
      }
    }
  }

  async #startOnce(options: DockerStartOptions): Promise<DockerHandle> {
    const docker = await this.#engine();
    const network = options.network ?? "host";
    const hostNet = network === "host";
    const containerPort = options.containerPort ?? 8000;
    const port = freePort();
    const env = { ...options.env, ...(hostNet ? { PORT: String(port) } : {}) };
    const base = options.image.split("/").pop()!.split(/[:@]/)[0].replace(/[^a-zA-Z0-9_.-]/g, "-");
    const name = options.name ?? `openenv-${base}-${crypto.randomUUID().slice(0, 8)}`;
    let container: ReturnType<Docker["getContainer"]>;
    try {
      container = await docker.createContainer({
        name,
        Image: options.image,
        Cmd: options.command,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: {
          ...this.#options.labels,
          ...options.labels,
          [MANAGED_LABEL]: "true",
          [SESSION_LABEL]: this.sessionId,
          "openenv.provider": "docker",
        },
        ExposedPorts: hostNet ? undefined : { [`${containerPort}/tcp`]: {} },
        StopTimeout: options.stopTimeoutS ?? 5,
        HostConfig: {
          Init: true,
          NetworkMode: network,
          PortBindings: hostNet
            ? undefined
            : { [`${containerPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(port) }] },
          Memory: options.memoryLimitMb ? options.memoryLimitMb * 1024 * 1024 : undefined,
          NanoCpus: options.cpus ? Math.round(options.cpus * 1e9) : undefined,
        },
      });
    } catch (e) {
      const status = statusOf(e);
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        status === 404
          ? `The image "${options.image}" is not available locally; build it first (nothing is pulled).`
          : `Docker could not create a container from "${options.image}": ${(e as Error).message}`,
        { cause: e, details: { image: options.image, status } },
      );
    }
    const handle = this.#handle(container, name, port, options);
    try {
      await container.start();
    } catch (e) {
      await handle.stop();
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        `Docker could not start the container "${name}" from "${options.image}": ${
          (e as Error).message
        }`,
        { cause: e, details: { image: options.image } },
      );
    }
    if (options.waitUntilHealthy === false) return handle;
    try {
      await handle.waitUntilHealthy({
        timeoutMs: options.healthTimeoutMs ?? 60_000,
        signal: options.signal,
      });
    } catch (e) {
      const logs = await handle.logs().catch(() => "");
      await handle.stop();
      if (e instanceof ProviderError) Object.assign(e.details, { logs, container: name });
      throw e;
    }
    return handle;
  }

  #handle(
    container: ReturnType<Docker["getContainer"]>,
    name: string,
    port: number,
    options: DockerStartOptions,
  ): DockerHandle {
    const baseUrl = `http://127.0.0.1:${port}`;
    let stopping: Promise<void> | undefined;
    const logs = async (): Promise<string> =>
      demuxLogs(
        await container.logs({
          stdout: true,
          stderr: true,
          follow: false,
        }) as unknown as Uint8Array,
      );
    // Fails the health wait as soon as the container is no longer running.
    const exitWatch = (signal: AbortSignal): Promise<never> =>
      (async () => {
        while (!signal.aborted) {
          const info = await container.inspect().catch(() => undefined);
          if (!info || !info.State.Running && info.State.Status !== "created") {
            const text = await logs().catch(() => "");
            throw new ProviderError(
              "PROVIDER_START_FAILED",
              `The container "${name}" from "${options.image}" ${
                info ? `exited with code ${info.State.ExitCode}` : "disappeared"
              } before it answered GET /health. Its logs:\n${
                text.trimEnd().split("\n").slice(-40).join("\n") || "(no output)"
              }`,
              { details: { exitCode: info?.State.ExitCode, logs: text, container: name } },
            );
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        return await new Promise<never>(() => {});
      })();
    const handle: DockerHandle = {
      provider: "docker",
      id: container.id,
      name,
      port,
      baseUrl,
      logs,
      waitUntilHealthy: async (wait: WaitOptions = {}) => {
        const watching = new AbortController();
        try {
          await waitUntilHealthy(baseUrl, { ...wait, failFast: exitWatch(watching.signal) });
        } finally {
          watching.abort();
        }
      },
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          try {
            await container.stop({ t: options.stopTimeoutS ?? 5 });
          } catch {
            // Already stopped (304) or gone (404); anything else: the forced remove below decides.
          }
          try {
            await container.remove({ force: true, v: true });
          } catch (e) {
            if (statusOf(e) !== 404) throw e;
          }
        })(),
      [Symbol.asyncDispose]: () => handle.stop(),
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Removes every container labelled with this provider's session id
   * (running or not), for example after a crashed run.
   *
   * @returns How many containers were removed.
   */
  async cleanup(): Promise<number> {
    const { removeManagedContainers } = await import("./cleanup.ts");
    return await removeManagedContainers({ sessionId: this.sessionId, ...this.#options });
  }

  /** Stops the containers this provider started and removes any left with its label. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#handles].map((h) => h.stop()));
    if (this.#docker) await this.cleanup();
  }
}
