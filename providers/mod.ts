/**
 * Providers start environments in isolation and hand back a handle with a
 * base URL; `await using` stops them.
 *
 * This entry holds the contract and the default, Docker-free
 * {@linkcode ProcessProvider} (a Deno subprocess with least privilege). The
 * container and cloud providers live in their own entries so their
 * dependencies load only when used: `@openenv/core/providers/docker`,
 * `/providers/swarm`, `/providers/kubernetes` and `/providers/daytona`.
 *
 * @example Run the echo environment in a sandboxed process
 * ```ts ignore
 * import { ProcessProvider } from "@openenv/core/providers";
 *
 * await using provider = new ProcessProvider();
 * await using env = await provider.start({ module: "envs/echo" });
 * const health = await fetch(`${env.baseUrl}/health`).then((r) => r.json());
 * console.log(health); // { status: "healthy" }
 * ```
 *
 * @module
 */
export * from "./provider.ts";
export * from "./errors.ts";
export * from "./wait_until_healthy.ts";
export * from "./deno_permissions.ts";
export * from "./process_provider.ts";
export * from "./managed_client.ts";
