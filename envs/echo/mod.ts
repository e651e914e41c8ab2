/**
 * `@openenv/echo`: the echo environment (message in; echoed message, length
 * and a length-based reward out), its models and its server app.
 *
 * @example Step the environment in process
 * ```ts
 * import { EchoEnvironment } from "@openenv/echo";
 *
 * const env = new EchoEnvironment();
 * env.reset({ episodeId: "demo" });
 * env.step({ message: "hi", metadata: {} }).message_length; // 2
 * ```
 *
 * @module
 */
export * from "./models.ts";
export * from "./echo_environment.ts";
export { createEchoApp } from "./app.ts";
