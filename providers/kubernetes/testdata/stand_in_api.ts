/**
 * A local stand-in for the subset of the Kubernetes API the provider uses
 * (no cluster is reachable from here): pods (create, get, delete, watch,
 * log), services (create, get, delete, list by label) and the API server's
 * service proxy. "Pods" are real environment processes started with the
 * process provider, so readiness, proxying and WebSockets are real; image
 * names map to local environment modules.
 *
 * @module
 */
import { forward } from "../../testdata/forward.ts";
import { type ProcessHandle, ProcessProvider } from "../../process_provider.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Pod {
  object: Json;
  handle?: ProcessHandle;
}

/** A running stand-in. */
export interface KubeStandIn extends AsyncDisposable {
  /** Its base URL, the "API server". */
  url: string;
  /** Every request it received, in order (`"POST /api/v1/namespaces/ns/pods"`). */
  requests: { method: string; path: string; body?: Json; auth: string | null }[];
  /** Live pods by name. */
  pods: Map<string, Pod>;
  /** Live services by name. */
  services: Map<string, Json>;
  /** Stops every pod and the server. */
  close(): Promise<void>;
}

/**
 * Starts the stand-in.
 *
 * @param images Image name to environment module (directory or app file).
 * @param token The bearer token it accepts.
 * @param options `tls`: serve HTTPS with this certificate and key (PEM).
 */
export function startKubeStandIn(
  images: Record<string, string>,
  token: string,
  options: { tls?: { cert: string; key: string } } = {},
): KubeStandIn {
  const provider = new ProcessProvider();
  const pods = new Map<string, Pod>();
  const services = new Map<string, Json>();
  const requests: KubeStandIn["requests"] = [];
  const watchers = new Set<(type: string, pod: Json) => void>();
  const starting = new Set<Promise<void>>();
  let version = 100;

  const status = (code: number, reason: string, message: string) =>
    Response.json(
      { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code },
      { status: code },
    );
  const emit = (type: string, pod: Pod) => {
    pod.object.metadata.resourceVersion = String(++version);
    for (const w of watchers) w(type, structuredClone(pod.object));
  };
  const matches = (labels: Json, selector: string | null) =>
    !selector ||
    selector.split(",").every((kv) => {
      const [k, v] = kv.split("=");
      return labels?.[k] === v;
    });

  async function runPod(pod: Pod) {
    const spec = pod.object.spec.containers[0];
    const module = images[spec.image];
    await new Promise((r) => setTimeout(r, 20));
    if (!pods.has(pod.object.metadata.name)) return;
    if (!module) {
      pod.object.status.containerStatuses = [{
        name: spec.name,
        ready: false,
        state: {
          waiting: {
            reason: "ErrImagePull",
            message: `rpc error: pull access denied for ${spec.image}`,
          },
        },
      }];
      emit("MODIFIED", pod);
      return;
    }
    const env = Object.fromEntries((spec.env ?? []).map((e: Json) => [e.name, e.value]));
    delete env.PORT; // the stand-in maps the container port to the process's own port
    try {
      pod.handle = await provider.start({ module, env, healthTimeoutMs: 20_000 });
      if (!pods.has(pod.object.metadata.name)) return void await pod.handle.stop();
      pod.object.status = {
        phase: "Running",
        podIP: "10.1.0.7",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [{ name: spec.name, ready: true, state: { running: {} } }],
      };
    } catch (e) {
      pod.object.status.containerStatuses = [{
        name: spec.name,
        ready: false,
        state: { waiting: { reason: "CrashLoopBackOff", message: (e as Error).message } },
      }];
      pod.object.status.logs = (e as { details?: { output?: string } }).details?.output ?? "";
    }
    emit("MODIFIED", pod);
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const body = ["POST", "PUT"].includes(request.method) && !path.includes("/proxy")
      ? await request.json().catch(() => undefined)
      : undefined;
    const auth = request.headers.get("authorization");
    requests.push({ method: request.method, path: path + url.search, body, auth });
    if (auth !== `Bearer ${token}`) return status(401, "Unauthorized", "Unauthorized");

    let m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+):(\d+)\/proxy(\/.*)?$/);
    if (m) {
      const service = services.get(m[2]);
      const podName = service?.spec.selector?.["openenv.pod"];
      const pod = podName ? pods.get(podName) : undefined;
      if (!pod?.handle) {
        return status(503, "ServiceUnavailable", `no endpoints available for service "${m[2]}"`);
      }
      return forward(request, pod.handle.baseUrl, m[4] ?? "/");
    }
    m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)(?:\/([^/]+))?(\/log)?$/);
    if (!m) return status(404, "NotFound", `the server could not find the requested resource`);
    const [, ns, kind, name, log] = m;
    const store = kind === "pods" ? pods : services;

    if (request.method === "POST" && !name) {
      const obj = body;
      const expected = kind === "pods" ? "Pod" : "Service";
      if (obj?.kind !== expected || !obj?.metadata?.name) {
        return status(422, "Invalid", `${expected} is invalid: metadata.name: Required value`);
      }
      if (kind === "pods" && !obj.spec?.containers?.[0]?.image) {
        return status(422, "Invalid", "Pod is invalid: spec.containers[0].image: Required value");
      }
      if (store.has(obj.metadata.name)) {
        return status(409, "AlreadyExists", `${kind} "${obj.metadata.name}" already exists`);
      }
      obj.metadata = {
        ...obj.metadata,
        namespace: ns,
        uid: crypto.randomUUID(),
        resourceVersion: String(++version),
      };
      if (kind === "pods") {
        obj.status = { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] };
        const pod: Pod = { object: obj };
        pods.set(obj.metadata.name, pod);
        const running = runPod(pod);
        starting.add(running);
        running.finally(() => starting.delete(running));
      } else services.set(obj.metadata.name, obj);
      return Response.json(obj, { status: 201 });
    }
    if (request.method === "GET" && !name && url.searchParams.get("watch") === "true") {
      const field = url.searchParams.get("fieldSelector")?.replace("metadata.name=", "");
      const since = Number(url.searchParams.get("resourceVersion") ?? 0);
      const timeout = Number(url.searchParams.get("timeoutSeconds") ?? 30) * 1000;
      let send: (type: string, pod: Json) => void = () => {};
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stream = new ReadableStream<string>({
        start(controller) {
          send = (type, pod) => {
            if (field && pod.metadata.name !== field) return;
            if (Number(pod.metadata.resourceVersion) <= since) return;
            controller.enqueue(JSON.stringify({ type, object: pod }) + "\n");
          };
          watchers.add(send);
          timer = setTimeout(() => {
            watchers.delete(send);
            controller.close();
          }, timeout);
        },
        cancel() {
          watchers.delete(send);
          clearTimeout(timer);
        },
      });
      return new Response(stream.pipeThrough(new TextEncoderStream()), {
        headers: { "content-type": "application/json" },
      });
    }
    if (request.method === "GET" && !name) {
      const selector = url.searchParams.get("labelSelector");
      const items = [...store.values()].map((v) => kind === "pods" ? (v as Pod).object : v)
        .filter((o) => matches(o.metadata.labels, selector));
      return Response.json({ kind: kind === "pods" ? "PodList" : "ServiceList", items });
    }
    const entry = store.get(name);
    if (!entry) return status(404, "NotFound", `${kind} "${name}" not found`);
    const object = kind === "pods" ? (entry as Pod).object : entry;
    if (request.method === "GET" && log) {
      const pod = entry as Pod;
      return new Response(pod.handle?.output() ?? pod.object.status.logs ?? "");
    }
    if (request.method === "GET") return Response.json(object);
    if (request.method === "DELETE") {
      store.delete(name);
      if (kind === "pods") {
        const pod = entry as Pod;
        await pod.handle?.stop();
        emit("DELETED", pod);
      }
      return Response.json(object);
    }
    return status(405, "MethodNotAllowed", `${request.method} is not supported here`);
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, ...options.tls },
    handler,
  );
  const close = async () => {
    const all = [...pods.values()];
    pods.clear(); // pods still starting stop themselves when they find they were deleted
    await Promise.allSettled([...starting]);
    for (const pod of all) await pod.handle?.stop();
    await provider[Symbol.asyncDispose]();
    await server.shutdown();
  };
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${server.addr.port}`,
    requests,
    pods,
    services,
    close,
    [Symbol.asyncDispose]: close,
  };
}
