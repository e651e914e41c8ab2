/**
 * `@openenv/echo`: the echo environment (message in; echoed message, length
 * and a length-based reward out; tools `echo_message` and `echo_with_length`),
 * its models, its server app and its typed client {@linkcode EchoEnv}.
 *
 * @example Step the environment in process
 * ```ts
 * import { EchoEnvironment } from "@openenv/echo";
 *
 * const env = new EchoEnvironment();
 * env.reset({ episodeId: "demo" });
 * const obs = await env.step({ message: "hi", metadata: {} });
 * ```
 *
 * @module
 */
export * from "./models.ts";
export * from "./echo_environment.ts";
export { createEchoApp } from "./app.ts";
export { EchoEnv, type EchoEnvOptions } from "./client.ts";
