/**
 * The Kubernetes provider: an environment as a Pod (readiness probe on
 * `/health`) plus a Service, created, watched and deleted through the
 * official Kubernetes client for JavaScript (`@kubernetes/client-node`);
 * clients reach it through the API server's service proxy (default) or
 * cluster DNS. Only this entry loads that client.
 *
 * Tested against a local stand-in of the API (no cluster is reachable from
 * the CI machine); see docs/PROVIDERS.md.
 *
 * @example
 * ```ts ignore
 * import { KubernetesProvider } from "@openenv/core/providers/kubernetes";
 * import { fromProvider } from "@openenv/core/providers";
 *
 * await using k8s = new KubernetesProvider({ apiServer: "https://k8s:6443", token: "…" });
 * await using env = await fromProvider(k8s, { image: "registry.example/echo-env:1.0" });
 * await env.reset();
 * ```
 *
 * @module
 */
export * from "./kubernetes_provider.ts";
