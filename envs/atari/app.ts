/**
 * The Atari environment's server app. Needs a Python with ale-py
 * (`ATARI_PYTHON`, see setup.sh) and `--allow-run` for it.
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { type AtariConfig, AtariEnvironment } from "./atari_environment.ts";
import { AtariAction, AtariObservation, AtariResetOptions, AtariState } from "./models.ts";

/** Options for {@linkcode createAtariApp}. */
export interface AtariAppOptions {
  /** Defaults of every session (the `ATARI_*` variables fill in the rest). */
  config?: AtariConfig;
  /** Most sessions at once (each runs one Python process). @default {`$MAX_CONCURRENT_ENVS`, else 64} */
  maxConcurrentEnvs?: number;
}

/**
 * Builds the Atari server app; reset accepts the game options.
 *
 * @example
 * ```ts ignore
 * import { createAtariApp } from "@openenv/atari";
 *
 * Deno.serve({ port: 8000 }, createAtariApp({ config: { game: "breakout" } }).fetch);
 * ```
 */
export function createAtariApp(options: AtariAppOptions = {}): EnvServerApp {
  return createApp(() => new AtariEnvironment(options.config), {
    name: "atari_env",
    action: AtariAction,
    observation: AtariObservation,
    state: AtariState,
    resetOptions: AtariResetOptions,
    maxConcurrentEnvs: options.maxConcurrentEnvs,
  });
}

/** The app with defaults from the `ATARI_*` variables, as `deno serve` expects. */
const app: EnvServerApp = createAtariApp();
export default app;
