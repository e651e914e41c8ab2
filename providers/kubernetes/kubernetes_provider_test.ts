// No Kubernetes cluster is reachable from CI: these tests run the provider
// against a local stand-in of the Kubernetes API (testdata/stand_in_api.ts)
// whose "pods" are real sandboxed environment processes.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fromProvider } from "../managed_client.ts";
import type { ProviderError } from "../errors.ts";
import { KubernetesProvider } from "./kubernetes_provider.ts";
import { startKubeStandIn } from "./testdata/stand_in_api.ts";

const echo = fileURLToPath(new URL("../../envs/echo", import.meta.url));
const crash = fileURLToPath(new URL("../testdata/crash_env/app.ts", import.meta.url));
const TOKEN = "test-token-123";

Deno.test("kubernetes provider: pod with a /health readiness probe, service, proxy access, cleanup", async () => {
  await using api = startKubeStandIn({ "registry.example/echo-env:1.0": echo }, TOKEN);
  await using k8s = new KubernetesProvider({ apiServer: api.url, token: TOKEN, namespace: "rl" });
  const env = await fromProvider(k8s, {
    image: "registry.example/echo-env:1.0",
    env: { MAX_CONCURRENT_ENVS: "4" },
    resources: { cpu: "500m", memory: "256Mi" },
  });
  const name = env.handle.id;
  try {
    // The objects it created.
    const podPost = api.requests.find((r) =>
      r.method === "POST" && r.path === "/api/v1/namespaces/rl/pods"
    );
    const pod = podPost!.body;
    assert.equal(pod.kind, "Pod");
    assert.equal(pod.metadata.name, name);
    assert.equal(pod.metadata.labels["openenv.managed"], "true");
    assert.equal(pod.metadata.labels["openenv.session"], k8s.sessionId);
    const container = pod.spec.containers[0];
    assert.equal(container.image, "registry.example/echo-env:1.0");
    assert.deepEqual(container.readinessProbe.httpGet, { path: "/health", port: 8000 });
    assert.deepEqual(container.ports, [{ name: "http", containerPort: 8000, protocol: "TCP" }]);
    assert.deepEqual(container.env, [
      { name: "MAX_CONCURRENT_ENVS", value: "4" },
      { name: "PORT", value: "8000" },
    ]);
    assert.deepEqual(container.resources.limits, { cpu: "500m", memory: "256Mi" });
    const svc = api.requests.find((r) => r.method === "POST" && r.path.endsWith("/services"))!.body;
    assert.deepEqual(svc.spec.selector, { "openenv.pod": name });
    assert.equal(svc.spec.ports[0].targetPort, 8000);
    // Readiness was awaited through a watch, with the token on every request.
    assert.ok(
      api.requests.some((r) =>
        r.path.includes("watch=true") && r.path.includes(`metadata.name%3D${name}`)
      ),
    );
    assert.ok(api.requests.every((r) => r.auth === `Bearer ${TOKEN}`));

    // The client talks through the API server's service proxy, WebSocket included.
    assert.equal(env.handle.baseUrl, `${api.url}/api/v1/namespaces/rl/services/${name}:8000/proxy`);
    const reset = await env.reset();
    assert.equal(
      (reset.observation as { echoed_message: string }).echoed_message,
      "Echo environment ready!",
    );
    const step = await env.step({ message: "kube" });
    assert.equal(step.reward, 0.4);
  } finally {
    await env.close();
  }
  assert.equal(api.pods.size, 0, "the pod is deleted");
  assert.equal(api.services.size, 0, "the service is deleted");
  assert.ok(
    api.requests.some((r) =>
      r.method === "DELETE" &&
      r.path === `/api/v1/namespaces/rl/pods/${name}?gracePeriodSeconds=5`
    ),
  );
});

Deno.test("kubernetes provider: image pull errors and crashing pods fail fast and are deleted", async () => {
  await using api = startKubeStandIn({ "registry.example/crash:1": crash }, TOKEN);
  await using k8s = new KubernetesProvider({ apiServer: api.url, token: TOKEN });
  await assert.rejects(
    k8s.start({ image: "registry.example/missing:1" }),
    (e: ProviderError) =>
      e.code === "PROVIDER_START_FAILED" && /cannot start: ErrImagePull: rpc error/.test(e.message),
  );
  const crashed = await k8s.start({ image: "registry.example/crash:1" }).then(
    () => assert.fail("start should fail"),
    (e) => e,
  );
  assert.equal(crashed.code, "PROVIDER_START_FAILED");
  assert.match(crashed.message, /CrashLoopBackOff/);
  assert.match(crashed.details.logs, /crash_env: missing required setting/);
  assert.equal(api.pods.size, 0);
  assert.equal(api.services.size, 0);
});

Deno.test("kubernetes provider: auth errors, bad names and cleanup of leftovers", async () => {
  await using api = startKubeStandIn({ "registry.example/echo-env:1.0": echo }, TOKEN);
  await assert.rejects(
    new KubernetesProvider({ apiServer: api.url, token: "wrong" }).start({ image: "x" }),
    (e: ProviderError) => e.code === "PROVIDER_UNAVAILABLE" && /answered 401/.test(e.message),
  );
  const k8s = new KubernetesProvider({ apiServer: api.url, token: TOKEN });
  await assert.rejects(
    k8s.start({ image: "x", name: "Not_Valid" }),
    (e: ProviderError) =>
      e.code === "PROVIDER_INVALID_OPTIONS" && /not a valid Kubernetes name/.test(e.message),
  );
  assert.throws(() => new KubernetesProvider({}), /needs apiServer/);
  // A run that died after creating its objects: cleanup finds them by label.
  await k8s.start({ image: "registry.example/echo-env:1.0", waitUntilHealthy: false });
  assert.equal(api.pods.size, 1);
  // Let the stand-in finish starting the pod before deleting it.
  await new Promise((r) => setTimeout(r, 50));
  const fresh = new KubernetesProvider({
    apiServer: api.url,
    token: TOKEN,
    sessionId: k8s.sessionId,
  });
  assert.equal(await fresh.cleanup(), 2);
  assert.equal(api.pods.size, 0);
  assert.equal(api.services.size, 0);
  await k8s[Symbol.asyncDispose]();
});

Deno.test("kubernetes provider: unreachable API server is a clear error", async () => {
  const k8s = new KubernetesProvider({ apiServer: "http://127.0.0.1:1", token: TOKEN });
  await assert.rejects(
    k8s.start({ image: "x" }),
    (e: ProviderError) =>
      e.code === "PROVIDER_UNAVAILABLE" &&
      /API server at "http:\/\/127\.0\.0\.1:1" is unreachable/.test(e.message),
  );
});

Deno.test("kubernetes provider: HTTPS API server with the cluster CA (caCert, caFile), and a wrong CA refused", async () => {
  const certFile = fileURLToPath(new URL("./testdata/stand_in_cert.pem", import.meta.url));
  const cert = await Deno.readTextFile(certFile);
  const key = await Deno.readTextFile(new URL("./testdata/stand_in_key.pem", import.meta.url));
  await using api = startKubeStandIn({ "registry.example/echo-env:1.0": echo }, TOKEN, {
    tls: { cert, key },
  });
  assert.match(api.url, /^https:/);
  for (const ca of [{ caCert: cert }, { caFile: certFile }]) {
    const k8s = new KubernetesProvider({ apiServer: api.url, token: TOKEN, ...ca });
    const handle = await k8s.start({
      image: "registry.example/echo-env:1.0",
      waitUntilHealthy: false,
    });
    assert.equal(api.pods.size, 1);
    assert.deepEqual(handle.headers, { authorization: `Bearer ${TOKEN}` });
    await handle.stop();
    assert.equal(api.pods.size, 0);
    assert.equal(api.services.size, 0);
  }
  // Without the CA, the client does not trust the server: nothing is created.
  const untrusting = new KubernetesProvider({ apiServer: api.url, token: TOKEN });
  await assert.rejects(
    untrusting.start({ image: "registry.example/echo-env:1.0", waitUntilHealthy: false }),
    (e: ProviderError) =>
      e.code === "PROVIDER_UNAVAILABLE" && /is unreachable: .*certificate/.test(e.message),
  );
  assert.equal(api.pods.size, 0);
});

Deno.test("kubernetes provider: loadFromDefault reads $KUBECONFIG (server, token, namespace)", async () => {
  await using api = startKubeStandIn({ "registry.example/echo-env:1.0": echo }, TOKEN);
  const dir = await Deno.makeTempDir();
  const previous = Deno.env.get("KUBECONFIG");
  try {
    const file = `${dir}/config`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{
          name: "stand-in",
          cluster: { server: api.url, "insecure-skip-tls-verify": true },
        }],
        users: [{ name: "tester", user: { token: TOKEN } }],
        contexts: [{
          name: "stand-in",
          context: { cluster: "stand-in", user: "tester", namespace: "team-a" },
        }],
        "current-context": "stand-in",
      }),
    );
    Deno.env.set("KUBECONFIG", file);
    await using k8s = new KubernetesProvider({ loadFromDefault: true });
    assert.equal(k8s.namespace, "team-a");
    const handle = await k8s.start({
      image: "registry.example/echo-env:1.0",
      name: "from-kubeconfig",
      waitUntilHealthy: false,
    });
    assert.equal(
      handle.baseUrl,
      `${api.url}/api/v1/namespaces/team-a/services/from-kubeconfig:8000/proxy`,
    );
    assert.deepEqual(handle.headers, { authorization: `Bearer ${TOKEN}` });
    assert.ok(
      api.requests.some((r) =>
        r.method === "POST" && r.path === "/api/v1/namespaces/team-a/pods" &&
        r.auth === `Bearer ${TOKEN}`
      ),
    );
    await handle.stop();
    assert.equal(api.pods.size, 0);
  } finally {
    if (previous === undefined) Deno.env.delete("KUBECONFIG");
    else Deno.env.set("KUBECONFIG", previous);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubernetes provider: an API server that never answers hits requestTimeoutMs", async () => {
  // Accepts connections and reads requests but never answers.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn);
  })();
  try {
    const k8s = new KubernetesProvider({
      apiServer: `http://127.0.0.1:${listener.addr.port}`,
      token: TOKEN,
      requestTimeoutMs: 300,
    });
    await assert.rejects(
      k8s.start({ image: "registry.example/echo-env:1.0" }),
      (e: ProviderError) =>
        e.code === "PROVIDER_UNAVAILABLE" && /is unreachable/.test(e.message) &&
        /abort/i.test(e.message),
    );
    assert.ok(conns.length >= 1, "the request reached the server");
  } finally {
    listener.close();
    for (const conn of conns) conn.close();
    await accepting.catch(() => {});
  }
});
