/**
 * Auto-discovery: find an environment by name, from the workspace's
 * environment packages (directories with an `openenv.yaml`) or a Hugging
 * Face Space id, and get a connected, typed client ({@linkcode AutoEnv}).
 * Name helpers follow the reference's normalisation; Space URLs follow
 * Hugging Face's host names (`/`, `_` and `.` become `-`).
 *
 * @example
 * ```ts ignore
 * import { AutoEnv, spaceUrl } from "@openenv/core/auto";
 *
 * console.log((await AutoEnv.list()).map((e) => e.key)); // ["echo", ...]
 * await using env = await AutoEnv.fromEnv("echo-env");
 * await env.reset();
 * spaceUrl("openenv/echo_env"); // "https://openenv-echo-env.hf.space"
 * ```
 *
 * @module
 */
export * from "./names.ts";
export * from "./discovery.ts";
export * from "./auto_env.ts";
