/**
 * The web interface: a page under `/web/` where a person plays an
 * environment by hand. `createApp` mounts it when its `webInterface` option
 * (or `ENABLE_WEB_INTERFACE=true|1|yes`) is on; see docs/WEB_UI.md.
 *
 * - `/` and `/web` redirect (307) to `/web/`.
 * - The page builds an action form from `/schema`, resets with an optional
 *   seed, shows the README, and plays through its own `/ws` session: every
 *   browser tab is a separate session with its own history.
 * - `/web/metadata`, `POST /web/reset`, `POST /web/step`, `GET /web/state`
 *   and the `/ws/ui` WebSocket keep the reference's behaviour for its
 *   clients: one environment shared by all of them ({@linkcode SharedEpisode}).
 * - {@linkcode WebViewOptions} replaces the generic observation view.
 *
 * @example Serve the echo environment with its web interface
 * ```ts ignore
 * import { createApp, serve } from "@openenv/core/server";
 * import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
 *
 * const app = createApp(() => new EchoEnvironment(), {
 *   action: EchoAction,
 *   observation: EchoObservation,
 *   webInterface: true,
 * });
 * serve(app, { port: 8000 }); // then open http://localhost:8000/web/
 * ```
 *
 * @module
 */
export type { WebViewOptions } from "./web_view.ts";
export {
  type ActionLog,
  type EpisodeState,
  MAX_ACTION_LOGS,
  SharedEpisode,
  type SharedEpisodeOptions,
} from "./shared_episode.ts";
