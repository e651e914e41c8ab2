/**
 * The environment server: {@linkcode createApp} builds a fetch handler that
 * speaks the OpenEnv HTTP and WebSocket protocol, {@linkcode serve} runs it on
 * `Deno.serve`.
 *
 * @example Serve the echo environment on port 8000
 * ```ts ignore
 * import { createApp, serve } from "@openenv/core/server";
 * import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
 *
 * const app = createApp(() => new EchoEnvironment(), {
 *   action: EchoAction,
 *   observation: EchoObservation,
 * });
 * serve(app, { port: 8000, handleSignals: true });
 * ```
 *
 * @module
 */
export * from "./create_app.ts";
export * from "./serve.ts";
export * from "./session_manager.ts";
export * from "./jsonrpc.ts";
export * from "./openapi.ts";
export * from "./security.ts";
