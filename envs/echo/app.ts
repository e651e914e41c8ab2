/**
 * The echo environment's server app: a fetch handler built with
 * `createApp`. `deno serve app.ts` runs it as is.
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { withMcpEndpoint } from "@openenv/core/mcp";
import { EchoEnvironment } from "./echo_environment.ts";
import { EchoAnyAction, EchoAnyObservation, EchoState } from "./models.ts";

/**
 * Builds the echo server app: the OpenEnv routes, with the classic echo
 * action and the tool actions on `/step` and `/ws`, the JSON-RPC tools on
 * `/mcp`, and a standard MCP endpoint (Streamable HTTP) on `/mcp/stream`
 * and, by content negotiation, on `/mcp`.
 *
 * @example
 * ```ts ignore
 * import { createEchoApp } from "@openenv/echo";
 *
 * Deno.serve({ port: 8000 }, createEchoApp().fetch);
 * ```
 */
export function createEchoApp(): EnvServerApp {
  const app = createApp(() => new EchoEnvironment(), {
    name: "echo_env",
    action: EchoAnyAction,
    observation: EchoAnyObservation,
    state: EchoState,
  });
  return withMcpEndpoint(app, { name: "echo_env", version: "0.1.0" });
}

/** The app, as `deno serve` expects a default export with `fetch`. */
const app: EnvServerApp = createEchoApp();
export default app;
