/**
 * The Kubernetes provider: one Pod (with a readiness probe on `/health`) and
 * one Service per environment, through the Kubernetes REST API with `fetch`.
 *
 * @module
 */
import { ProviderError } from "../errors.ts";
import type { EnvHandle, EnvProvider, StartOptions, WaitOptions } from "../provider.ts";
import { waitUntilHealthy } from "../wait_until_healthy.ts";

/** How to reach the cluster's API server. */
export interface KubernetesProviderOptions {
  /**
   * API server URL, for example `https://10.0.0.1:6443`.
   * @default {in a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`}
   */
  apiServer?: string;
  /** Bearer token. @default {in a pod: the service account token} */
  token?: string;
  /** Namespace for pods and services. @default {"default"} */
  namespace?: string;
  /** A custom fetch (for example one built with `Deno.createHttpClient` for a cluster CA). */
  fetch?: typeof fetch;
  /** Labels every object gets, besides the openenv ones. */
  labels?: Record<string, string>;
  /** Id written to the `openenv.session` label. @default {a random UUID} */
  sessionId?: string;
  /**
   * How the client reaches the environment:
   * - `"proxy"` (default): through the API server's service proxy
   *   (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy`), with the
   *   bearer token; works from outside the cluster, WebSockets included;
   * - `"cluster-dns"`: `http://<service>.<ns>.svc.cluster.local:<port>`, from
   *   inside the cluster.
   */
  access?: "proxy" | "cluster-dns";
  /** Timeout of each API request, in milliseconds. @default {30000} */
  requestTimeoutMs?: number;
}

/** Options for {@linkcode KubernetesProvider.start}. */
export interface KubernetesStartOptions extends StartOptions {
  /** The image, for example `registry.example/openenv/echo-env:1.0`. */
  image: string;
  /** The port the server listens on in the container (passed as `PORT`). @default {8000} */
  port?: number;
  /** Object name. @default {`openenv-<image name>-<random>`} */
  name?: string;
  /** Extra labels. */
  labels?: Record<string, string>;
  /** Overrides the image's command. */
  command?: string[];
  /** `imagePullPolicy`. @default {"IfNotPresent"} */
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Resource limits and requests, in Kubernetes quantities (`"500m"`, `"256Mi"`). */
  resources?: { cpu?: string; memory?: string };
}

/** A running environment pod and its service. */
export interface KubernetesHandle extends EnvHandle {
  /** Always `"kubernetes"`. */
  readonly provider: "kubernetes";
  /** The pod (and service) name. */
  readonly name: string;
  /** The namespace. */
  readonly namespace: string;
  /** The pod's logs. */
  logs(): Promise<string>;
}

const MANAGED = "openenv.managed";
const SESSION = "openenv.session";
const POD_LABEL = "openenv.pod";
const FATAL_WAITING = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

// deno-lint-ignore no-explicit-any
type Json = any;

function readInCluster(): { apiServer?: string; token?: string; namespace?: string } {
  try {
    const host = Deno.env.get("KUBERNETES_SERVICE_HOST");
    const port = Deno.env.get("KUBERNETES_SERVICE_PORT") ?? "443";
    if (!host) return {};
    const dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    return {
      apiServer: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
      token: Deno.readTextFileSync(`${dir}/token`).trim(),
      namespace: Deno.readTextFileSync(`${dir}/namespace`).trim(),
    };
  } catch {
    return {};
  }
}

/**
 * Runs environment images on Kubernetes: a Pod whose readiness probe is the
 * environment's `GET /health`, and a ClusterIP Service in front of it. Start
 * waits on a watch of the pod until it is Ready, and fails fast (with the
 * pod's logs) on image pull errors, crash loops or a failed pod. Stop
 * deletes both and waits until the pod is gone.
 *
 * Uses the Kubernetes REST API directly (`fetch`, no client library), so it
 * runs anywhere Deno does.
 *
 * @example From outside the cluster, through the API server proxy
 * ```ts ignore
 * import { KubernetesProvider } from "@openenv/core/providers/kubernetes";
 *
 * await using k8s = new KubernetesProvider({
 *   apiServer: "https://my-cluster:6443",
 *   token: Deno.env.get("K8S_TOKEN"),
 *   namespace: "rl",
 * });
 * await using env = await k8s.start({ image: "registry.example/echo-env:1.0" });
 * const health = await fetch(`${env.baseUrl}/health`, { headers: env.headers });
 * ```
 */
export class KubernetesProvider implements EnvProvider<KubernetesStartOptions>, AsyncDisposable {
  /** `"kubernetes"`. */
  readonly name = "kubernetes";
  /** The `openenv.session` label value of this provider's objects. */
  readonly sessionId: string;
  /** The namespace used. */
  readonly namespace: string;
  readonly #api: string;
  readonly #token?: string;
  readonly #fetch: typeof fetch;
  readonly #options: KubernetesProviderOptions;
  readonly #handles = new Set<KubernetesHandle>();

  /**
   * Creates a provider.
   *
   * @param options API server, token, namespace, access mode.
   * @throws {ProviderError} `PROVIDER_INVALID_OPTIONS` when no API server is
   * given and not running in a pod.
   */
  constructor(options: KubernetesProviderOptions = {}) {
    const inCluster = options.apiServer ? {} : readInCluster();
    const api = options.apiServer ?? inCluster.apiServer;
    if (!api) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        "KubernetesProvider needs apiServer (and usually token), or must run inside a pod with a service account.",
      );
    }
    this.#api = api.replace(/\/+$/, "");
    this.#token = options.token ?? inCluster.token;
    this.namespace = options.namespace ?? inCluster.namespace ?? "default";
    this.#fetch = options.fetch ?? fetch;
    this.#options = options;
    this.sessionId = options.sessionId ?? crypto.randomUUID();
  }

  #headers(): Record<string, string> {
    return this.#token ? { authorization: `Bearer ${this.#token}` } : {};
  }

  async #request(
    method: string,
    path: string,
    body?: unknown,
    accept404 = false,
  ): Promise<Json | undefined> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#api}${path}`, {
        method,
        headers: {
          ...this.#headers(),
          accept: "application/json",
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `The Kubernetes API server at "${this.#api}" is unreachable: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const text = await res.text();
    if (res.status === 404 && accept404) return undefined;
    if (!res.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch { /* not a Status object */ }
      throw new ProviderError(
        res.status === 401 || res.status === 403 ? "PROVIDER_UNAVAILABLE" : "PROVIDER_START_FAILED",
        `Kubernetes ${method} ${path} answered ${res.status}: ${message}`,
        { details: { status: res.status, body: text } },
      );
    }
    return text ? JSON.parse(text) : undefined;
  }

  /**
   * Creates the pod and the service and (by default) waits until the pod is
   * Ready and `/health` answers through the chosen access path. On failure
   * both are deleted.
   */
  async start(options: KubernetesStartOptions): Promise<KubernetesHandle> {
    if (!options?.image || typeof options.image !== "string") {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        "KubernetesProvider.start needs an image.",
      );
    }
    const port = options.port ?? 8000;
    const base = options.image.split("/").pop()!.split(/[:@]/)[0].toLowerCase()
      .replace(/[^a-z0-9-]/g, "-").slice(0, 30);
    const name = options.name ?? `openenv-${base}-${crypto.randomUUID().slice(0, 8)}`;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        `The name "${name}" is not a valid Kubernetes name (lower-case letters, digits and "-", at most 63).`,
      );
    }
    const labels = {
      ...this.#options.labels,
      ...options.labels,
      [MANAGED]: "true",
      [SESSION]: this.sessionId,
      [POD_LABEL]: name,
      "app.kubernetes.io/managed-by": "openenv",
    };
    const ns = encodeURIComponent(this.namespace);
    const env = { ...options.env, PORT: String(port) };
    const limits = {
      ...(options.resources?.cpu ? { cpu: options.resources.cpu } : {}),
      ...(options.resources?.memory ? { memory: options.resources.memory } : {}),
    };
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels },
      spec: {
        restartPolicy: "Always",
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 5,
        containers: [{
          name: "env",
          image: options.image,
          imagePullPolicy: options.imagePullPolicy ?? "IfNotPresent",
          ...(options.command ? { command: options.command } : {}),
          env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
          ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
          readinessProbe: {
            httpGet: { path: "/health", port },
            periodSeconds: 1,
            timeoutSeconds: 2,
            failureThreshold: 3,
          },
          ...(Object.keys(limits).length ? { resources: { limits, requests: limits } } : {}),
          securityContext: { allowPrivilegeEscalation: false },
        }],
      },
    };
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, labels },
      spec: {
        type: "ClusterIP",
        selector: { [POD_LABEL]: name },
        ports: [{ name: "http", port, targetPort: port, protocol: "TCP" }],
      },
    };
    const created = await this.#request("POST", `/api/v1/namespaces/${ns}/pods`, pod);
    const handle = this.#handle(name, port, options);
    try {
      await this.#request("POST", `/api/v1/namespaces/${ns}/services`, service);
      if (options.waitUntilHealthy === false) return handle;
      await this.#waitReady(name, created?.metadata?.resourceVersion, {
        timeoutMs: options.healthTimeoutMs ?? 120_000,
        signal: options.signal,
      });
      await handle.waitUntilHealthy({ timeoutMs: 30_000, signal: options.signal });
      return handle;
    } catch (e) {
      if (e instanceof ProviderError) {
        Object.assign(e.details, { logs: await handle.logs().catch(() => "") });
      }
      await handle.stop();
      throw e;
    }
  }

  /** Watches the pod until its Ready condition is True. */
  async #waitReady(name: string, resourceVersion: string | undefined, wait: WaitOptions) {
    const ns = encodeURIComponent(this.namespace);
    const timeoutMs = wait.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let version = resourceVersion;
    while (Date.now() < deadline) {
      wait.signal?.throwIfAborted();
      // A plain GET first: the pod may already be ready (or failed).
      const current = await this.#request("GET", `/api/v1/namespaces/${ns}/pods/${name}`);
      if (this.#check(current)) return;
      version = current?.metadata?.resourceVersion ?? version;
      const left = Math.max(Math.ceil((deadline - Date.now()) / 1000), 1);
      const params = new URLSearchParams({
        watch: "true",
        fieldSelector: `metadata.name=${name}`,
        timeoutSeconds: String(left),
        ...(version ? { resourceVersion: version } : {}),
      });
      const res = await this.#fetch(`${this.#api}/api/v1/namespaces/${ns}/pods?${params}`, {
        headers: { ...this.#headers(), accept: "application/json" },
        signal: wait.signal
          ? AbortSignal.any([wait.signal, AbortSignal.timeout(left * 1000 + 1000)])
          : AbortSignal.timeout(left * 1000 + 1000),
      }).catch((e) => {
        throw new ProviderError(
          "PROVIDER_UNAVAILABLE",
          `Watching pod "${name}" failed: ${(e as Error).message}`,
          { cause: e },
        );
      });
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        continue; // for example 410 Gone: the GET above refreshes the version
      }
      let buffer = "";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        while (true) {
          const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
          if (done) break;
          buffer += value;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line);
            if (event.type === "ERROR") break;
            if (event.type === "DELETED") {
              throw new ProviderError(
                "PROVIDER_START_FAILED",
                `The pod "${name}" was deleted while starting.`,
              );
            }
            version = event.object?.metadata?.resourceVersion ?? version;
            if (this.#check(event.object)) return;
          }
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    }
    throw new ProviderError(
      "PROVIDER_HEALTH_TIMEOUT",
      `The pod "${name}" did not become Ready within ${timeoutMs} ms.`,
      { details: { pod: name } },
    );
  }

  /** True when the pod is Ready; throws when it can never become ready. */
  #check(pod: Json): boolean {
    const status = pod?.status ?? {};
    if (status.phase === "Failed" || status.phase === "Succeeded") {
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        `The pod "${pod.metadata?.name}" ended (phase ${status.phase}${
          status.reason ? `, ${status.reason}` : ""
        }${status.message ? `: ${status.message}` : ""}) before it was Ready.`,
        { details: { phase: status.phase } },
      );
    }
    for (const c of status.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (waiting && FATAL_WAITING.has(waiting.reason)) {
        throw new ProviderError(
          "PROVIDER_START_FAILED",
          `The pod "${pod.metadata?.name}" cannot start: ${waiting.reason}${
            waiting.message ? `: ${waiting.message}` : ""
          }.`,
          { details: { reason: waiting.reason } },
        );
      }
    }
    return (status.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True");
  }

  #handle(name: string, port: number, _options: KubernetesStartOptions): KubernetesHandle {
    const ns = encodeURIComponent(this.namespace);
    const baseUrl = this.#options.access === "cluster-dns"
      ? `http://${name}.${this.namespace}.svc.cluster.local:${port}`
      : `${this.#api}/api/v1/namespaces/${ns}/services/${name}:${port}/proxy`;
    const headers = this.#options.access === "cluster-dns" ? undefined : this.#headers();
    let stopping: Promise<void> | undefined;
    const handle: KubernetesHandle = {
      provider: "kubernetes",
      id: name,
      name,
      namespace: this.namespace,
      baseUrl,
      headers,
      logs: async () => {
        const res = await this.#fetch(
          `${this.#api}/api/v1/namespaces/${ns}/pods/${name}/log?tailLines=200`,
          { headers: this.#headers(), signal: AbortSignal.timeout(10_000) },
        );
        return res.ok ? await res.text() : (await res.body?.cancel(), "");
      },
      waitUntilHealthy: (wait: WaitOptions = {}) => waitUntilHealthy(baseUrl, { ...wait, headers }),
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          await this.#request(
            "DELETE",
            `/api/v1/namespaces/${ns}/services/${name}`,
            undefined,
            true,
          );
          await this.#request(
            "DELETE",
            `/api/v1/namespaces/${ns}/pods/${name}`,
            { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 5 },
            true,
          );
          // Wait until the pod is really gone (grace period plus a margin).
          for (let i = 0; i < 150; i++) {
            const pod = await this.#request(
              "GET",
              `/api/v1/namespaces/${ns}/pods/${name}`,
              undefined,
              true,
            );
            if (!pod) return;
            await new Promise((r) => setTimeout(r, 100));
          }
        })(),
      [Symbol.asyncDispose]: () => handle.stop(),
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Deletes every pod and service labelled with this provider's session id.
   *
   * @returns How many objects were deleted.
   */
  async cleanup(): Promise<number> {
    const ns = encodeURIComponent(this.namespace);
    const selector = encodeURIComponent(`${MANAGED}=true,${SESSION}=${this.sessionId}`);
    let removed = 0;
    for (const kind of ["services", "pods"]) {
      const list = await this.#request(
        "GET",
        `/api/v1/namespaces/${ns}/${kind}?labelSelector=${selector}`,
      );
      for (const item of list?.items ?? []) {
        const gone = await this.#request(
          "DELETE",
          `/api/v1/namespaces/${ns}/${kind}/${item.metadata.name}`,
          undefined,
          true,
        );
        if (gone !== undefined) removed++;
      }
    }
    return removed;
  }

  /** Stops what this provider started and deletes anything left with its label. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#handles].map((h) => h.stop()));
    await this.cleanup().catch(() => {});
  }
}
