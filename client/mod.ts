/**
 * `@openenv/core/client`: talk to OpenEnv environment servers (ours or the
 * Python reference) from Deno, Node 22+, Bun or a browser. Uses only `fetch`
 * and `WebSocket`.
 *
 * - {@linkcode EnvClient}: one session over the `/ws` WebSocket, typed with
 *   the environment's zod schemas or generic.
 * - {@linkcode MCPToolClient}: list and call an environment's tools (over
 *   `/ws` steps or the JSON-RPC `/mcp` endpoint).
 * - {@linkcode HttpEnvClient}: the HTTP routes, stateless or with an opt-in
 *   HTTP session.
 * - {@linkcode EnvPool}: N sessions over one or many servers, for parallel
 *   rollouts, with per-session failure isolation.
 * - {@linkcode TrajectoryRecorder} and {@linkcode replay}: record episodes
 *   as JSONL and replay them.
 * - Errors: {@linkcode ServerError}, {@linkcode SessionLostError},
 *   {@linkcode TimeoutError}, …, all {@linkcode OpenEnvError}s with a `code`.
 *
 * @example Drive an environment
 * ```ts ignore
 * import { EnvClient } from "@openenv/core/client";
 *
 * await using env = await EnvClient.connect("http://127.0.0.1:8000");
 * await env.reset({ seed: 7 });
 * const { observation, reward, done } = await env.step({ message: "hello" });
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./errors.ts";
export * from "./env_client.ts";
export * from "./mcp_tool_client.ts";
export * from "./http_env_client.ts";
export * from "./env_pool.ts";
export * from "./trajectory.ts";
export { OpenEnvError } from "../core/errors.ts";
export type { EnvironmentMetadata } from "../core/models.ts";
