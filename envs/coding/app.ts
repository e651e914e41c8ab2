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
  /** README served in `/metadata`. @default {this package's README.md, when readable} */
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

/** This package's README (front matter removed), when it can be read without prompting. */
function readOwnReadme(): string | undefined {
  const url = new URL("./README.md", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  try {
    if (Deno.permissions.querySync({ name: "read", path: url }).state !== "granted") {
      return undefined;
    }
    return Deno.readTextFileSync(url).replace(/^---\n[\s\S]*?\n---\n+/, "");
  } catch {
    return undefined; // bundled, or no read permission
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
    readme: readme ?? readOwnReadme(),
    webInterface,
    webView: codeOutputView,
    maxConcurrentEnvs: maxConcurrentEnvs ?? maxFromEnv(),
  });
}

/** The app, as `deno serve` expects a default export with `fetch`. */
const app: EnvServerApp = createCodingApp({ fromEnv: true });
export default app;
