/**
 * The Kubernetes provider: an environment as a Pod (readiness probe on
 * `/health`) plus a Service, through the Kubernetes REST API with `fetch`;
 * clients reach it through the API server's service proxy (default) or
 * cluster DNS.
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
