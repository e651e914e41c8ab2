/**
 * The coding environment's server app: a fetch handler built with
 * `createApp`. `deno serve --allow-read --allow-run --allow-env app.ts` runs
 * it as is; the `CODING_*` variables configure it (see `config.ts`).
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { codeOutputView } from "./web_view.ts";
import { CodingEnvironment, type CodingEnvironmentOptions } from "./coding_environment.ts";
import { CodeAction, CodeObservation, CodeState } from "./models.ts";

/** Options for {@linkcode createCodingApp}. */
export interface CodingAppOptions extends CodingEnvironmentOptions {
  /** Most sessions (each with its own interpreter) at once. @default {`$MAX_CONCURRENT_ENVS`, else 8} */
  maxConcurrentEnvs?: number;
  /** README served in `/metadata`. */
  readme?: string;
  /** Serve the web interface under `/web/`. @default {`$ENABLE_WEB_INTERFACE`} */
  webInterface?: boolean;
}

function maxFromEnv(): number {
  try {
    const value = Number(Deno.env.get("MAX_CONCURRENT_ENVS"));
    return Number.isInteger(value) && value > 0 ? value : 8;
  } catch {
    return 8;
  }
}

/**
 * Builds the coding server app.
 *
 * @example
 * ```ts ignore
 * import { createCodingApp } from "@openenv/coding";
 *
 * Deno.serve({ port: 8000 }, createCodingApp({ timeoutS: 10 }).fetch);
 * ```
 */
export function createCodingApp(options: CodingAppOptions = {}): EnvServerApp {
  const { maxConcurrentEnvs, readme, webInterface, ...envOptions } = options;
  return createApp(() => new CodingEnvironment(envOptions), {
    name: "coding_env",
    action: CodeAction,
    observation: CodeObservation,
    state: CodeState,
    readme,
    webInterface,
    webView: codeOutputView,
    maxConcurrentEnvs: maxConcurrentEnvs ?? maxFromEnv(),
  });
}

/** The app, as `deno serve` expects a default export with `fetch`. */
const app: EnvServerApp = createCodingApp({ fromEnv: true });
export default app;
