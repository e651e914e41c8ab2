/**
 * The chess environment's server app: a fetch handler built with
 * `createApp`. `deno serve --allow-env --allow-read app.ts` runs it as is;
 * the `CHESS_*` variables configure it (see `config.ts`).
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { chessBoardView } from "./web_view.ts";
import { ChessEnvironment, type ChessEnvironmentOptions } from "./chess_environment.ts";
import { ChessAction, ChessObservation, ChessResetOptions, ChessState } from "./models.ts";

/** Options for {@linkcode createChessApp}. */
export interface ChessAppOptions extends ChessEnvironmentOptions {
  /** Most sessions at once. @default {`$MAX_CONCURRENT_ENVS`, else 64} */
  maxConcurrentEnvs?: number;
  /** README served in `/metadata`. @default {this package's README.md, when readable} */
  readme?: string;
  /** Serve the web interface under `/web/`. @default {`$ENABLE_WEB_INTERFACE`} */
  webInterface?: boolean;
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
 * Builds the chess server app. Reset accepts `seed`, `fen`, `agent_color`,
 * `opponent`, `opponent_depth`, `stockfish_skill` and `stockfish_depth`.
 *
 * @example
 * ```ts ignore
 * import { createChessApp } from "@openenv/chess";
 *
 * Deno.serve({ port: 8000 }, createChessApp({ opponent: "stockfish" }).fetch);
 * ```
 */
export function createChessApp(options: ChessAppOptions = {}): EnvServerApp {
  const { maxConcurrentEnvs, readme, webInterface, ...envOptions } = options;
  return createApp(() => new ChessEnvironment(envOptions), {
    name: "chess_env",
    action: ChessAction,
    observation: ChessObservation,
    state: ChessState,
    resetOptions: ChessResetOptions,
    readme: readme ?? readOwnReadme(),
    webInterface,
    webView: chessBoardView,
    maxConcurrentEnvs,
  });
}

/** The app, as `deno serve` expects a default export with `fetch`. */
const app: EnvServerApp = createChessApp({ fromEnv: true });
export default app;
