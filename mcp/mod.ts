/**
 * Tool environments (RFC 003): {@linkcode MCPEnvironment} (tools declared
 * with a zod input schema, reached through `step`, the JSON-RPC `/mcp`
 * endpoint and a standard MCP Streamable HTTP endpoint), the tool action and
 * observation models, and {@linkcode withMcpEndpoint}.
 *
 * @example A tool environment served with a standard MCP endpoint
 * ```ts ignore
 * import type { Observation, State } from "@openenv/core";
 * import { createApp, serve } from "@openenv/core/server";
 * import {
 *   defineTool,
 *   McpAction,
 *   MCPEnvironment,
 *   McpObservation,
 *   withMcpEndpoint,
 * } from "@openenv/core/mcp";
 * import { z } from "zod";
 *
 * class Greeter extends MCPEnvironment {
 *   #state: State = { episode_id: null, step_count: 0 };
 *   constructor() {
 *     super({
 *       tools: [defineTool({
 *         name: "greet",
 *         description: "Greet someone.",
 *         input: z.object({ name: z.string() }),
 *         handler: ({ name }) => `Hello, ${name}!`,
 *       })],
 *     });
 *   }
 *   reset(): Observation {
 *     return { done: false, reward: null, metadata: {} };
 *   }
 *   get state(): State {
 *     return this.#state;
 *   }
 * }
 *
 * const app = createApp(() => new Greeter(), { action: McpAction, observation: McpObservation });
 * serve(withMcpEndpoint(app), { port: 8000 });
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./tool.ts";
export * from "./errors.ts";
export * from "./mcp_environment.ts";
export * from "./streamable_http.ts";
