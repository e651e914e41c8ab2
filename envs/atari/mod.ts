/**
 * `@openenv/atari`: every Atari 2600 game of the Arcade Learning
 * Environment (PyPI `ale-py`), with RGB, grayscale or RAM observations sent
 * as compact base64 or PNG (or the reference's int list), frameskip, sticky
 * actions, modes and difficulties.
 *
 * @example Play Pong for a few steps
 * ```ts ignore
 * import { AtariEnvironment } from "@openenv/atari";
 *
 * await using env = new AtariEnvironment({ game: "pong", obs_type: "grayscale" });
 * await env.reset({});
 * const obs = await env.step({ action_id: 0, metadata: {} });
 * console.log(obs.screen_shape); // [210, 160]
 * ```
 *
 * @module
 */
export * from "./models.ts";
export * from "./atari_environment.ts";
export * from "./ale_process.ts";
export * from "./png.ts";
export { type AtariAppOptions, createAtariApp } from "./app.ts";
