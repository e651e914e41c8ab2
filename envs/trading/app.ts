/**
 * The trading environment's server app. `deno serve app.ts` runs it with a
 * synthetic market; `server.ts` also reads a CSV named by
 * `TRADING_DATA_PATH`.
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { type TradingConfig, TradingEnvironment } from "./trading_environment.ts";
import { TradingAction, TradingObservation, TradingState } from "./models.ts";
import { tradingWebView } from "./web_view.ts";

/** Options for {@linkcode createTradingApp}. */
export interface TradingAppOptions {
  /** Environment configuration shared by every session. */
  config?: TradingConfig;
  /** Most sessions at once. @default {`$MAX_CONCURRENT_ENVS`, else 64} */
  maxConcurrentEnvs?: number;
  /** Serve the web interface (with the price chart view). @default {`$ENABLE_WEB_INTERFACE`} */
  webInterface?: boolean;
}

/**
 * Builds the trading server app.
 *
 * @example
 * ```ts ignore
 * import { createTradingApp } from "@openenv/trading";
 *
 * Deno.serve({ port: 8000 }, createTradingApp().fetch);
 * ```
 */
export function createTradingApp(options: TradingAppOptions = {}): EnvServerApp {
  return createApp(() => new TradingEnvironment(options.config), {
    name: "trading_env",
    action: TradingAction,
    observation: TradingObservation,
    state: TradingState,
    maxConcurrentEnvs: options.maxConcurrentEnvs,
    webInterface: options.webInterface,
    webView: tradingWebView,
  });
}

/** The app with a synthetic market, as `deno serve` expects. */
const app: EnvServerApp = createTradingApp();
export default app;
