/**
 * The echo environment's server app: a fetch handler built with
 * `createApp`. `deno serve app.ts` runs it as is.
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { EchoEnvironment } from "./echo_environment.ts";
import { EchoAction, EchoObservation, EchoState } from "./models.ts";

/**
 * Builds the echo server app.
 *
 * @example
 * ```ts ignore
 * import { createEchoApp } from "@openenv/echo";
 *
 * Deno.serve({ port: 8000 }, createEchoApp().fetch);
 * ```
 */
export function createEchoApp(): EnvServerApp {
  return createApp(() => new EchoEnvironment(), {
    name: "echo_env",
    action: EchoAction,
    observation: EchoObservation,
    state: EchoState,
  });
}

/** The app, as `deno serve` expects a default export with `fetch`. */
const app: EnvServerApp = createEchoApp();
export default app;
