/**
 * The Kubernetes provider: one Pod (with a readiness probe on `/health`) and
 * one Service per environment, through the official Kubernetes client for
 * JavaScript (`@kubernetes/client-node`).
 *
 * @module
 */
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  Watch,
} from "@kubernetes/client-node";
import type {
  ConfigurationOptions,
  ObservableMiddleware,
  V1Pod,
  V1Service,
} from "@kubernetes/client-node";
import { ProviderError } from "../errors.ts";
import type { EnvHandle, EnvProvider, StartOptions, WaitOptions } from "../provider.ts";
import { waitUntilHealthy } from "../wait_until_healthy.ts";

/** How to reach the cluster's API server. */
export interface KubernetesProviderOptions {
  /**
   * API server URL, for example `https://10.0.0.1:6443` (or
   * `http://127.0.0.1:8001` behind `kubectl proxy`).
   * @default {in a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`; with `loadFromDefault`: the kubeconfig's current cluster}
   */
  apiServer?: string;
  /** Bearer token. @default {in a pod: the service account token} */
  token?: string;
  /** The cluster's CA certificate, PEM text (used with an `https:` `apiServer`). */
  caCert?: string;
  /** Path of the cluster's CA certificate file (used with an `https:` `apiServer`). */
  caFile?: string;
  /** Accept any server certificate (testing only). @default {false} */
  skipTLSVerify?: boolean;
  /**
   * Without `apiServer`, read the configuration the way `kubectl` does
   * (`$KUBECONFIG`, `~/.kube/config`, then the in-pod service account),
   * through the official client's `KubeConfig.loadFromDefault`.
   * @default {false: only the in-pod service account is tried}
   */
  loadFromDefault?: boolean;
  /** Namespace for pods and services. @default {the context's namespace, else "default"} */
  namespace?: string;
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

function inPod(): boolean {
  try {
    return Boolean(Deno.env.get("KUBERNETES_SERVICE_HOST"));
  } catch {
    return false;
  }
}

/** Builds the official client's configuration from the provider options. */
function kubeConfigOf(options: KubernetesProviderOptions): KubeConfig {
  const kc = new KubeConfig();
  if (options.apiServer) {
    const server = options.apiServer.replace(/\/+$/, "");
    kc.loadFromOptions({
      clusters: [{
        name: "openenv",
        server,
        caData: options.caCert ? btoa(options.caCert) : undefined,
        caFile: options.caFile,
        // The client refuses a plain `http:` server unless skipTLSVerify is
        // set (there is no TLS to verify then): `kubectl proxy`, stand-ins.
        skipTLSVerify: options.skipTLSVerify ?? server.startsWith("http:"),
      }],
      users: [{ name: "openenv", token: options.token }],
      contexts: [{ name: "openenv", cluster: "openenv", user: "openenv" }],
      currentContext: "openenv",
    });
    return kc;
  }
  if (options.loadFromDefault) kc.loadFromDefault();
  else if (inPod()) kc.loadFromCluster();
  else {
    throw new ProviderError(
      "PROVIDER_INVALID_OPTIONS",
      "KubernetesProvider needs apiServer (and usually token), loadFromDefault: true, or must run inside a pod with a service account.",
    );
  }
  if (options.token) {
    kc.loadFromClusterAndUser(kc.getCurrentCluster()!, { name: "openenv", token: options.token });
  }
  return kc;
}

/**
 * Runs environment images on Kubernetes: a Pod whose readiness probe is the
 * environment's `GET /health`, and a ClusterIP Service in front of it. Start
 * waits on a watch of the pod until it is Ready, and fails fast (with the
 * pod's logs) on image pull errors, crash loops or a failed pod. Stop
 * deletes both and waits until the pod is gone.
 *
 * Talks to the API server through the official Kubernetes client for
 * JavaScript (`@kubernetes/client-node`: `KubeConfig`, `CoreV1Api`, `Watch`),
 * which runs under Deno's Node compatibility layer.
 *
 * @example From outside the cluster, through the API server proxy
 * ```ts ignore
 * import { KubernetesProvider } from "@openenv/core/providers/kubernetes";
 *
 * await using k8s = new KubernetesProvider({
 *   apiServer: "https://my-cluster:6443",
 *   token: Deno.env.get("K8S_TOKEN"),
 *   caFile: "/etc/k8s/ca.crt",
 *   namespace: "rl",
 * });
 * await using env = await k8s.start({ image: "registry.example/echo-env:1.0" });
 * const health = await fetch(`${env.baseUrl}/health`, { headers: env.headers });
 * ```
 *
 * @example With the local kubeconfig, as kubectl would
 * ```ts ignore
 * import { KubernetesProvider } from "@openenv/core/providers/kubernetes";
 *
 * await using k8s = new KubernetesProvider({ loadFromDefault: true });
 * ```
 */
export class KubernetesProvider implements EnvProvider<KubernetesStartOptions>, AsyncDisposable {
  /** `"kubernetes"`. */
  readonly name = "kubernetes";
  /** The `openenv.session` label value of this provider's objects. */
  readonly sessionId: string;
  /** The namespace used. */
  readonly namespace: string;
  readonly #kc: KubeConfig;
  readonly #core: CoreV1Api;
  readonly #server: string;
  readonly #options: KubernetesProviderOptions;
  readonly #handles = new Set<KubernetesHandle>();

  /**
   * Creates a provider.
   *
   * @param options API server, token, CA, namespace, access mode.
   * @throws {ProviderError} `PROVIDER_INVALID_OPTIONS` when no API server is
   * given, `loadFromDefault` is not set and not running in a pod.
   */
  constructor(options: KubernetesProviderOptions = {}) {
    this.#kc = kubeConfigOf(options);
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) {
      throw new ProviderError(
        "PROVIDER_INVALID_OPTIONS",
        "The Kubernetes configuration has no current cluster.",
      );
    }
    this.#server = cluster.server.replace(/\/+$/, "");
    this.#core = this.#kc.makeApiClient(CoreV1Api);
    this.namespace = options.namespace ??
      this.#kc.getContextObject(this.#kc.getCurrentContext())?.namespace?.trim() ?? "default";
    this.#options = options;
    this.sessionId = options.sessionId ?? crypto.randomUUID();
  }

  /**
   * Per-call options for the generated API: a middleware that gives every
   * request an AbortSignal with the request timeout.
   */
  #callOptions(timeoutMs = this.#options.requestTimeoutMs ?? 30_000): ConfigurationOptions {
    const timeout: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    return { middleware: [timeout], middlewareMergeStrategy: "append" };
  }

  /** Runs one API call, mapping its failures to {@linkcode ProviderError}s. */
  async #call<T>(
    what: string,
    call: (options: ConfigurationOptions) => Promise<T>,
    accept404 = false,
  ): Promise<T | undefined> {
    try {
      return await call(this.#callOptions());
    } catch (e) {
      if (e instanceof ApiException) {
        if (e.code === 404 && accept404) return undefined;
        let message = typeof e.body === "string" ? e.body : JSON.stringify(e.body ?? "");
        try {
          message = JSON.parse(message).message ?? message;
        } catch { /* not a Status object */ }
        throw new ProviderError(
          e.code === 401 || e.code === 403 ? "PROVIDER_UNAVAILABLE" : "PROVIDER_START_FAILED",
          `Kubernetes ${what} answered ${e.code}: ${message}`,
          { details: { status: e.code, body: e.body } },
        );
      }
      throw new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `The Kubernetes API server at "${this.#server}" is unreachable: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** The headers that carry the configured credentials (for the service proxy). */
  async #authHeaders(): Promise<Record<string, string>> {
    const init = await this.#kc.applyToFetchOptions({});
    const headers = new Headers(init.headers as HeadersInit | undefined);
    const auth = headers.get("authorization");
    return auth ? { authorization: auth } : {};
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
    const namespace = this.namespace;
    const env = { ...options.env, PORT: String(port) };
    const limits = {
      ...(options.resources?.cpu ? { cpu: options.resources.cpu } : {}),
      ...(options.resources?.memory ? { memory: options.resources.memory } : {}),
    };
    const pod: V1Pod = {
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
    const service: V1Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, labels },
      spec: {
        type: "ClusterIP",
        selector: { [POD_LABEL]: name },
        ports: [{ name: "http", port, targetPort: port, protocol: "TCP" }],
      },
    };
    // Credentials for the service proxy, resolved before anything exists.
    const headers = this.#options.access === "cluster-dns" ? undefined : await this.#authHeaders();
    const created = await this.#call(
      `create pod "${name}"`,
      (o) => this.#core.createNamespacedPod({ namespace, body: pod }, o),
    );
    const handle = this.#handle(name, port, headers);
    try {
      await this.#call(
        `create service "${name}"`,
        (o) => this.#core.createNamespacedService({ namespace, body: service }, o),
      );
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

  /** Reads the pod, then watches it, until its Ready condition is True. */
  async #waitReady(
    name: string,
    resourceVersion: string | undefined,
    wait: WaitOptions,
  ): Promise<void> {
    const namespace = this.namespace;
    const timeoutMs = wait.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let version = resourceVersion;
    while (Date.now() < deadline) {
      wait.signal?.throwIfAborted();
      // A plain read first: the pod may already be ready (or failed).
      const current = await this.#call(
        `read pod "${name}"`,
        (o) => this.#core.readNamespacedPod({ name, namespace }, o),
      );
      if (this.#check(current)) return;
      version = current?.metadata?.resourceVersion ?? version;
      const seconds = Math.max(Math.ceil((deadline - Date.now()) / 1000), 1);
      const outcome = await this.#watchOnce(name, version, seconds, wait.signal);
      if (outcome.ready) return;
      version = outcome.version ?? version;
      // A watch the server refused (for example 410 Gone): pause, then re-read.
      if (outcome.refused) await new Promise((r) => setTimeout(r, 500));
    }
    throw new ProviderError(
      "PROVIDER_HEALTH_TIMEOUT",
      `The pod "${name}" did not become Ready within ${timeoutMs} ms.`,
      { details: { pod: name } },
    );
  }

  /** One watch of the pod with the official client's `Watch`. */
  #watchOnce(
    name: string,
    version: string | undefined,
    seconds: number,
    signal?: AbortSignal,
  ): Promise<{ ready: boolean; version?: string; refused?: boolean }> {
    const { promise, resolve, reject } = Promise.withResolvers<
      { ready: boolean; version?: string; refused?: boolean }
    >();
    let latest = version;
    let settled = false;
    let controller: AbortController | undefined;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      controller?.abort();
      settle();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    // The server ends the watch after timeoutSeconds; this is the backstop.
    const timer = setTimeout(
      () => finish(() => resolve({ ready: false, version: latest })),
      seconds * 1000 + 2000,
    );
    signal?.addEventListener("abort", onAbort, { once: true });
    new Watch(this.#kc).watch(
      `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`,
      {
        fieldSelector: `metadata.name=${name}`,
        timeoutSeconds: seconds,
        ...(latest ? { resourceVersion: latest } : {}),
      },
      (type: string, object: V1Pod) => {
        if (settled) return;
        try {
          if (type === "ERROR") return finish(() => resolve({ ready: false, refused: true }));
          if (type === "DELETED") {
            throw new ProviderError(
              "PROVIDER_START_FAILED",
              `The pod "${name}" was deleted while starting.`,
            );
          }
          latest = object?.metadata?.resourceVersion ?? latest;
          if (this.#check(object)) finish(() => resolve({ ready: true }));
        } catch (e) {
          finish(() => reject(e));
        }
      },
      (error: unknown) =>
        finish(() => {
          if (!error) return resolve({ ready: false, version: latest });
          if ((error as { statusCode?: number }).statusCode) {
            return resolve({ ready: false, refused: true });
          }
          reject(
            new ProviderError(
              "PROVIDER_UNAVAILABLE",
              `Watching pod "${name}" failed: ${(error as Error).message}`,
              { cause: error },
            ),
          );
        }),
    ).then(
      (c) => {
        controller = c;
        if (settled) c.abort();
      },
      (e) =>
        finish(() =>
          reject(
            new ProviderError(
              "PROVIDER_UNAVAILABLE",
              `Watching pod "${name}" failed: ${(e as Error).message}`,
              { cause: e },
            ),
          )
        ),
    );
    return promise;
  }

  /** True when the pod is Ready; throws when it can never become ready. */
  #check(pod: V1Pod | undefined): boolean {
    const status = pod?.status ?? {};
    if (status.phase === "Failed" || status.phase === "Succeeded") {
      throw new ProviderError(
        "PROVIDER_START_FAILED",
        `The pod "${pod?.metadata?.name}" ended (phase ${status.phase}${
          status.reason ? `, ${status.reason}` : ""
        }${status.message ? `: ${status.message}` : ""}) before it was Ready.`,
        { details: { phase: status.phase } },
      );
    }
    for (const c of status.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
        throw new ProviderError(
          "PROVIDER_START_FAILED",
          `The pod "${pod?.metadata?.name}" cannot start: ${waiting.reason}${
            waiting.message ? `: ${waiting.message}` : ""
          }.`,
          { details: { reason: waiting.reason } },
        );
      }
    }
    return (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  }

  #handle(
    name: string,
    port: number,
    headers: Record<string, string> | undefined,
  ): KubernetesHandle {
    const namespace = this.namespace;
    const ns = encodeURIComponent(namespace);
    const baseUrl = this.#options.access === "cluster-dns"
      ? `http://${name}.${namespace}.svc.cluster.local:${port}`
      : `${this.#server}/api/v1/namespaces/${ns}/services/${name}:${port}/proxy`;
    let stopping: Promise<void> | undefined;
    const handle: KubernetesHandle = {
      provider: "kubernetes",
      id: name,
      name,
      namespace,
      baseUrl,
      headers,
      logs: async () =>
        await this.#core.readNamespacedPodLog(
          { name, namespace, tailLines: 200 },
          this.#callOptions(10_000),
        ).catch(() => ""),
      waitUntilHealthy: (wait: WaitOptions = {}) => waitUntilHealthy(baseUrl, { ...wait, headers }),
      stop: () =>
        stopping ??= (async () => {
          this.#handles.delete(handle);
          await this.#call(
            `delete service "${name}"`,
            (o) => this.#core.deleteNamespacedService({ name, namespace }, o),
            true,
          );
          await this.#call(
            `delete pod "${name}"`,
            (o) => this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }, o),
            true,
          );
          // Wait until the pod is really gone (grace period plus a margin).
          for (let i = 0; i < 150; i++) {
            const pod = await this.#call(
              `read pod "${name}"`,
              (o) => this.#core.readNamespacedPod({ name, namespace }, o),
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
    const namespace = this.namespace;
    const labelSelector = `${MANAGED}=true,${SESSION}=${this.sessionId}`;
    let removed = 0;
    const services = await this.#call(
      "list services",
      (o) => this.#core.listNamespacedService({ namespace, labelSelector }, o),
    );
    for (const item of services?.items ?? []) {
      const name = item.metadata!.name!;
      const gone = await this.#call(
        `delete service "${name}"`,
        (o) => this.#core.deleteNamespacedService({ name, namespace }, o),
        true,
      );
      if (gone !== undefined) removed++;
    }
    const pods = await this.#call(
      "list pods",
      (o) => this.#core.listNamespacedPod({ namespace, labelSelector }, o),
    );
    for (const item of pods?.items ?? []) {
      const name = item.metadata!.name!;
      const gone = await this.#call(
        `delete pod "${name}"`,
        (o) => this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }, o),
        true,
      );
      if (gone !== undefined) removed++;
    }
    return removed;
  }

  /** Stops what this provider started and deletes anything left with its label. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#handles].map((h) => h.stop()));
    await this.cleanup().catch(() => {});
  }
}
