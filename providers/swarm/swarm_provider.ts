/**
 * The Docker Swarm provider: one Swarm service with N replicas of an
 * environment image, scaled up and down, each replica on its own host port.
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "../../client/env_client.ts";
import { EnvPool } from "../../client/env_pool.ts";
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
} from "../docker/_engine.ts";

/** Options for {@linkcode SwarmProvider}. */
export interface SwarmProviderOptions extends DockerConnectionOptions {
  /** Run `docker swarm init --advertise-addr 127.0.0.1` when the node is not in a swarm. @default {true} */
  autoInit?: boolean;
  /** Labels every service gets, besides `openenv.managed` and `openenv.session`. */
  labels?: Record<string, string>;
  /** Id written to the `openenv.session` label. @default {a random UUID} */
  sessionId?: string;
}

/** Options for {@linkcode SwarmProvider.start}. */
export interface SwarmStartOptions extends StartOptions {
  /** The image; it must exist on the node (nothing is pulled). */
  image: string;
  /** Number of replicas. @default {2} */
  replicas?: number;
  /** Most replicas the service may be scaled to; that many ports are reserved. @default {64} */
  maxReplicas?: number;
  /** Service name. @default {`openenv-<image name>-<random>`} */
  name?: string;
  /** Extra labels. */
  labels?: Record<string, string>;
  /** Overrides the image's command. */
  command?: string[];
  /** Memory limit per replica, in MiB. */
  memoryLimitMb?: number;
  /** CPU limit per replica (for example 0.5). */
  cpus?: number;
}

/** One replica of a service. */
export interface Replica {
  /** The task slot (1-based); stable across restarts of that replica. */
  slot: number;
  /** Its base URL. */
  url: string;
  /** The task's state (`running`, `starting`, ...). */
  state: string;
}

/** A running Swarm service. */
export interface SwarmHandle extends EnvHandle {
  /** Always `"swarm"`. */
  readonly provider: "swarm";
  /** The service id. */
  readonly id: string;
  /** The service name. */
  readonly name: string;
  /** The URL of replica 1 (use {@linkcode SwarmHandle.connect} or {@linkcode SwarmHandle.pool} to spread sessions). */
  readonly baseUrl: string;
  /** The replica count asked for. */
  readonly replicas: number;
  /** The replicas whose tasks are running, by slot. */
  listReplicas(): Promise<Replica[]>;
  /**
   * Changes the replica count and waits until exactly that many replicas
   * run and (when growing) answer `/health`.
   */
  scale(replicas: number, options?: WaitOptions): Promise<void>;
  /**
   * Opens a client on the replica with the fewest sessions opened through
   * this method that are still open; replicas added by `scale` are picked
   * up on the next call.
   */
  connect<A = Record<string, unknown>, O = Record<string, unknown>, S = Record<string, unknown>>(
    options?: EnvClientOptions<A, O, S>,
  ): Promise<EnvClient<A, O, S>>;
  /** An {@linkcode EnvPool} of `size` sessions spread round-robin over the running replicas. */
  pool<A = Record<string, unknown>, O = Record<string, unknown>, S = Record<string, unknown>>(
    size: number,
    options?: EnvClientOptions<A, O, S>,
  ): Promise<EnvPool<A, O, S>>;
  /** The service's logs (every replica). */
  logs(): Promise<string>;
}

// Port blocks (prefix * 1000 + slot) handed out in this process.
const usedBlocks = new Set<number>();

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "0.0.0.0", port }).close();
    return true;
  } catch {
    return false;
  }
}

function reservePortBlock(maxReplicas: number): number {
  const candidates = Array.from({ length: 40 }, (_, i) => 20 + i)
    .filter((p) => !usedBlocks.has(p))
    .sort(() => Math.random() - 0.5);
  for (const prefix of candidates) {
    let ok = true;
    for (let slot = 1; slot <= maxReplicas && ok; slot++) ok = portFree(prefix * 1000 + slot);
    if (ok) {
      usedBlocks.add(prefix);
      return prefix;
    }
  }
  throw new ProviderError(
    "PROVIDER_START_FAILED",
    `No block of ${maxReplicas} free ports (N001 to N${
      String(maxReplicas).padStart(3, "0")
    } for N in 20..59) is left for a Swarm service; lower maxReplicas or stop other services.`,
  );
}

/**
 * Runs environment images as Docker Swarm services on a single-node (or
 * larger) swarm, with host networking.
 *
 * Host networking has no routing mesh, so replicas cannot share a port: the
 * service gets one templated variable, `PORT=<NN>{{printf "%03s" .Task.Slot}}`,
 * which gives replica `k` the port `NN*1000 + k` from a block of free ports
 * reserved at start. One service, real `docker service scale` semantics, and
 * a stable URL per replica slot.
 *
 * @example Three replicas, eight sessions spread over them
 * ```ts ignore
 * import { SwarmProvider } from "@openenv/core/providers/swarm";
 *
 * await using swarm = new SwarmProvider();
 * await using service = await swarm.start({ image: "openenv/echo-env:latest", replicas: 3 });
 * await using pool = await service.pool(8);
 * await pool.resetAll();
 * await service.scale(1);
 * ```
 */
export class SwarmProvider implements EnvProvider<SwarmStartOptions>, AsyncDisposable {
  /** `"swarm"`. */
  readonly name = "swarm";
  /** The `openenv.session` label value of this provider's services. */
  readonly sessionId: string;
  readonly #options: SwarmProviderOptions;
  readonly #handles = new Set<SwarmHandle>();
  #docker?: Promise<Docker>;

  /**
   * Creates a provider; the daemon is contacted on first use.
   *
   * @param options Socket path, swarm init, labels and session id.
   */
  constructor(options: SwarmProviderOptions = {}) {
    this.#options = options;
    this.sessionId = options.sessionId ?? crypto.randomUUID();
  }

  #engine(): Promise<Docker> {
    this.#docker ??= (async () => {
      const docker = await connectDocker(this.#options);
      const info = await docker.info();
      const state = info?.Swarm?.LocalNodeState;
      if (state !== "active") {
        if (this.#options.autoInit === false) {
          throw new ProviderError(
            "PROVIDER_UNAVAILABLE",
            `This Docker node is not in a swarm (state "${state}"); run "docker swarm init --advertise-addr 127.0.0.1" or pass autoInit: true.`,
          );
        }
        await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" });
      }
      return docker;
    })();
    this.#docker.catch(() => this.#docker = undefined);
    return this.#docker;
  }

  /**
   * Creates the service and (by default) waits until every replica answers
   * `/health`. On failure the service is removed.
   *
   * @throws {ProviderError} `PROVIDER_UNAVAILABLE`, `PROVIDER_INVALID_OPTIONS`,
   * `PROVIDER_START_FAILED` (a task failed or was rejected, with its error and
   * logs), `PROVIDER_HEALTH_TIMEOUT`.
   */
  async start(options: SwarmStartOptions): Promise<SwarmHandle> {
    if (!options?.image || typeof options.image !== "string") {
      throw new ProviderError("PROVIDER_INVALID_OPTIONS", "SwarmProvider.start needs an image.");
    }
    const replicas = options.replicas ?? 2;
    const maxReplicas = options.maxReplicas ?? 64;
    if (!Number.isInteger(maxReplicas) || maxReplicas < 1 || maxReplicas > 999) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        `maxReplicas must be an integer from 1 to 999, got "${maxReplicas}".`,
      );
    }
    checkReplicas(replicas, maxReplicas);
    const docker = await this.#engine();
    const prefix = reservePortBlock(maxReplicas);
    const base = options.image.split("/").pop()!.split(/[:@]/)[0].replace(/[^a-zA-Z0-9_.-]/g, "-");
    const name = options.name ?? `openenv-${base}-${crypto.randomUUID().slice(0, 8)}`;
    const labels = {
      ...this.#options.labels,
      ...options.labels,
      [MANAGED_LABEL]: "true",
      [SESSION_LABEL]: this.sessionId,
      "openenv.provider": "swarm",
      "openenv.port-prefix": String(prefix),
    };
    let service: { id: string };
    try {
      const spec = {
        Name: name,
        Labels: labels,
        TaskTemplate: {
          ContainerSpec: {
            Image: options.image,
            Command: options.command,
            Env: [
              ...Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
              `PORT=${prefix}{{printf "%03s" .Task.Slot}}`,
            ],
            Labels: labels,
            Init: true,
            StopGracePeriod: 5e9,
          },
          Networks: [{ Target: "host" }],
          Resources: {
            Limits: {
              MemoryBytes: options.memoryLimitMb ? options.memoryLimitMb * 1024 * 1024 : undefined,
              NanoCPUs: options.cpus ? Math.round(options.cpus * 1e9) : undefined,
            },
          },
          RestartPolicy: { Condition: "on-failure", MaxAttempts: 3 },
        },
        Mode: { Replicated: { Replicas: replicas } },
      };
      // The typings' overloads do not fit a full spec with templates.
      // deno-lint-ignore no-explicit-any
      service = await docker.createService(spec as any) as unknown as { id: string };
    } catch (e) {
      usedBlocks.delete(prefix);
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        `Docker could not create the Swarm service "${name}" from "${options.image}": ${
          (e as Error).message
        }`,
        { cause: e, details: { image: options.image, status: statusOf(e) } },
      );
    }
    const handle = this.#handle(docker, service.id, name, prefix, replicas, maxReplicas, options);
    if (options.waitUntilHealthy === false) return handle;
    try {
      await handle.waitUntilHealthy({
        timeoutMs: options.healthTimeoutMs ?? 90_000,
        signal: options.signal,
      });
    } catch (e) {
      await handle.stop();
      throw e;
    }
    return handle;
  }

  #handle(
    docker: Docker,
    id: string,
    name: string,
    prefix: number,
    initialReplicas: number,
    maxReplicas: number,
    options: SwarmStartOptions,
  ): SwarmHandle {
    const service = docker.getService(id);
    const urlOf = (slot: number) => `http://127.0.0.1:${prefix * 1000 + slot}`;
    let replicas = initialReplicas;
    let stopping: Promise<void> | undefined;
    const opened = new Map<number, Set<EnvClient<unknown, unknown, unknown>>>();

    const tasks = async () =>
      // deno-lint-ignore no-explicit-any
      (await docker.listTasks({ filters: { service: [id] } })) as any[];
    const logs = async (): Promise<string> => {
      try {
        const data = await service.logs({ stdout: true, stderr: true, follow: false });
        return demuxLogs(data as unknown as Uint8Array);
      } catch {
        return "";
      }
    };
    const listReplicas = async (): Promise<Replica[]> => {
      const all = await tasks();
      const running = all.filter((t) =>
        t.DesiredState === "running" && t.Status?.State === "running"
      );
      return running
        .map((t) => ({ slot: Number(t.Slot), url: urlOf(Number(t.Slot)), state: t.Status.State }))
        .sort((a, b) => a.slot - b.slot);
    };
    // Rejects when a task of the service failed or was rejected (bad image, crash loop).
    const failWatch = (signal: AbortSignal): Promise<never> =>
      (async () => {
        while (!signal.aborted) {
          const bad = (await tasks().catch(() => [])).find((t) =>
            ["failed", "rejected"].includes(t.Status?.State)
          );
          if (bad) {
            const text = await logs();
            throw new ProviderError(
              "PROVIDER_START_FAILED",
              `A replica of the Swarm service "${name}" from "${options.image}" ${bad.Status.State}: ${
                bad.Status.Err ?? "no error given"
              }. Service logs:\n${
                text.trimEnd().split("\n").slice(-40).join("\n") || "(no output)"
              }`,
              { details: { task: bad.ID, error: bad.Status.Err, logs: text, service: name } },
            );
          }
          await new Promise((r) => setTimeout(r, 300));
        }
        return await new Promise<never>(() => {});
      })();
    const waitFor = async (count: number, wait: WaitOptions = {}) => {
      const timeoutMs = wait.timeoutMs ?? 90_000;
      const deadline = Date.now() + timeoutMs;
      const watching = new AbortController();
      const failed = failWatch(watching.signal);
      let failure: unknown;
      failed.catch((e) => failure = e);
      try {
        // 1. Exactly `count` tasks running (scale-down: the extra ones are gone).
        while (true) {
          wait.signal?.throwIfAborted();
          if (failure) throw failure;
          const live = (await tasks()).filter((t) =>
            ["new", "pending", "assigned", "accepted", "preparing", "starting", "running"]
              .includes(t.Status?.State)
          );
          const running = live.filter((t) => t.Status.State === "running");
          if (running.length === count && live.length === count) break;
          if (Date.now() > deadline) {
            throw new ProviderError(
              "PROVIDER_HEALTH_TIMEOUT",
              `The Swarm service "${name}" did not reach ${count} running replicas within ${timeoutMs} ms (${running.length} running, ${live.length} live).`,
              { details: { service: name, logs: await logs() } },
            );
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        // 2. Each of them answers /health.
        const current = await listReplicas();
        await Promise.all(current.map((r) =>
          waitUntilHealthy(r.url, {
            timeoutMs: Math.max(deadline - Date.now(), 1),
            signal: wait.signal,
            failFast: failed,
          })
        ));
      } finally {
        watching.abort();
      }
    };
    const live = (slot: number) => {
      const set = opened.get(slot);
      if (!set) return 0;
      for (const c of set) if (c.status === "closed" || c.status === "lost") set.delete(c);
      return set.size;
    };

    const handle: SwarmHandle = {
      provider: "swarm",
      id,
      name,
      baseUrl: urlOf(1),
      get replicas() {
        return replicas;
      },
      listReplicas,
      logs,
      waitUntilHealthy: (wait?: WaitOptions) => waitFor(replicas, wait),
      scale: async (count: number, wait?: WaitOptions) => {
        checkReplicas(count, maxReplicas);
        const info = await service.inspect();
        const spec = info.Spec;
        spec.Mode = { Replicated: { Replicas: count } };
        await service.update({ ...spec, version: info.Version.Index });
        replicas = count;
        await waitFor(count, wait);
      },
      connect: async <A, O, S>(clientOptions?: EnvClientOptions<A, O, S>) => {
        const current = await listReplicas();
        if (current.length === 0) {
          throw new ProviderError(
            "PROVIDER_UNAVAILABLE",
            `The Swarm service "${name}" has no running replica.`,
          );
        }
        const target = current.reduce((best, r) => live(r.slot) < live(best.slot) ? r : best);
        const client = new EnvClient<A, O, S>(target.url, clientOptions);
        await client.connect();
        if (!opened.has(target.slot)) opened.set(target.slot, new Set());
        opened.get(target.slot)!.add(client as EnvClient<unknown, unknown, unknown>);
        return client;
      },
      pool: async <A, O, S>(size: number, clientOptions?: EnvClientOptions<A, O, S>) => {
        const urls = (await listReplicas()).map((r) => r.url);
        if (urls.length === 0) {
          throw new ProviderError(
            "PROVIDER_UNAVAILABLE",
            `The Swarm service "${name}" has no running replica.`,
          );
        }
        return new EnvPool<A, O, S>({ urls, size, client: clientOptions });
      },
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          try {
            await service.remove();
          } catch (e) {
            if (statusOf(e) !== 404) throw e;
          }
          // Wait until its containers are gone, so the ports are free again.
          for (let i = 0; i < 200; i++) {
            const left = await docker.listContainers({
              all: true,
              filters: { label: [`com.docker.swarm.service.id=${id}`] },
            });
            if (left.length === 0) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          usedBlocks.delete(prefix);
        })(),
      [Symbol.asyncDispose]: () => handle.stop(),
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Removes every service labelled with this provider's session id.
   *
   * @returns How many services were removed.
   */
  async cleanup(): Promise<number> {
    const { removeManagedServices } = await import("./cleanup.ts");
    return await removeManagedServices({ sessionId: this.sessionId, ...this.#options });
  }

  /** Removes the services this provider started and any left with its label. The swarm stays. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#handles].map((h) => h.stop()));
    if (this.#docker) await this.cleanup();
  }
}

function checkReplicas(replicas: number, maxReplicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > maxReplicas) {
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      `replicas must be an integer from 0 to maxReplicas (${maxReplicas}), got "${replicas}".`,
    );
  }
}
