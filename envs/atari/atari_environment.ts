/**
 * Atari 2600 games through the real Arcade Learning Environment (PyPI
 * `ale-py`, which ships the emulator and the ROMs), driven in a long-lived
 * Python child process per session.
 *
 * @module
 */
import { Environment, type EnvironmentMetadata, type ResetOptions } from "@openenv/core";
import { type AleConfig, type AleFrame, AleProcess } from "./ale_process.ts";
import { encodePng } from "./png.ts";
import type { AtariAction, AtariObservation, AtariState, ScreenEncoding } from "./models.ts";

/** Options of {@linkcode AtariEnvironment}: the defaults of every reset. */
export interface AtariConfig extends AleConfig {
  /** How observations carry the screen. @default {"base64"} */
  screen_encoding?: ScreenEncoding;
  /** Python interpreter with ale-py. @default {`$ATARI_PYTHON`, else "python3"} */
  python?: string;
}

function envDefaults(): AtariConfig {
  const get = (name: string): string | undefined => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  const num = (
    name: string,
  ) => (get(name) === undefined ? undefined : Number(get(name)));
  const out: AtariConfig = {};
  if (get("ATARI_GAME")) out.game = get("ATARI_GAME");
  const obs = get("ATARI_OBS_TYPE");
  if (obs === "rgb" || obs === "grayscale" || obs === "ram") out.obs_type = obs;
  if (num("ATARI_FRAMESKIP") !== undefined) {
    out.frameskip = num("ATARI_FRAMESKIP");
  }
  if (num("ATARI_REPEAT_ACTION_PROB") !== undefined) {
    out.repeat_action_probability = num("ATARI_REPEAT_ACTION_PROB");
  }
  if (num("ATARI_MODE") !== undefined) out.mode = num("ATARI_MODE");
  if (num("ATARI_DIFFICULTY") !== undefined) {
    out.difficulty = num("ATARI_DIFFICULTY");
  }
  if (get("ATARI_FULL_ACTION_SPACE")) {
    out.full_action_space = ["true", "1", "yes"].includes(
      get("ATARI_FULL_ACTION_SPACE")!.toLowerCase(),
    );
  }
  const enc = get("ATARI_SCREEN_ENCODING");
  if (enc === "base64" || enc === "png" || enc === "list") {
    out.screen_encoding = enc;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * Plays an Atari game. The game and its options are chosen at reset (or by
 * the constructor and the `ATARI_*` environment variables).
 *
 * @example
 * ```ts ignore
 * await using env = new AtariEnvironment({ game: "breakout", obs_type: "ram" });
 * let obs = await env.reset({});
 * obs = await env.step({ action_id: 1, metadata: {} }); // FIRE
 * ```
 */
export class AtariEnvironment extends Environment<AtariAction, AtariObservation, AtariState> {
  #defaults: AtariConfig;
  #ale: Promise<AleProcess> | undefined;
  #loaded: string | undefined;
  #config: Required<Omit<AleConfig, "seed">> = {
    game: "pong",
    obs_type: "rgb",
    frameskip: 4,
    repeat_action_probability: 0,
    mode: null,
    difficulty: null,
    full_action_space: false,
  };
  #encoding: ScreenEncoding = "base64";
  #actions: string[] = [];
  #state: AtariState;

  /** Creates the environment; the worker starts on the first reset. */
  constructor(config: AtariConfig = {}) {
    super();
    this.#defaults = { ...envDefaults(), ...config };
    this.#state = this.#stateFor(crypto.randomUUID());
  }

  #stateFor(episodeId: string): AtariState {
    return {
      episode_id: episodeId,
      step_count: 0,
      game_name: this.#config.game,
      ...this.#config,
    };
  }

  #worker(): Promise<AleProcess> {
    this.#ale ??= AleProcess.start({ python: this.#defaults.python });
    return this.#ale;
  }

  /**
   * Starts an episode. Options (`game`, `obs_type`, `frameskip`,
   * `repeat_action_probability`, `mode`, `difficulty`, `full_action_space`,
   * `screen_encoding`) override the defaults; a new game or a seed reloads
   * the emulator.
   */
  async reset(options: ResetOptions = {}): Promise<AtariObservation> {
    const pick = <K extends keyof AtariConfig>(k: K): AtariConfig[K] =>
      (options[k] as AtariConfig[K]) ?? this.#defaults[k];
    this.#config = {
      game: pick("game") ?? "pong",
      obs_type: pick("obs_type") ?? "rgb",
      frameskip: pick("frameskip") ?? 4,
      repeat_action_probability: pick("repeat_action_probability") ?? 0,
      mode: pick("mode") ?? null,
      difficulty: pick("difficulty") ?? null,
      full_action_space: pick("full_action_space") ?? false,
    };
    this.#encoding = pick("screen_encoding") ?? "base64";
    const seed = options.seed ?? this.#defaults.seed ?? 0;
    const key = JSON.stringify({ ...this.#config, seed });
    const ale = await this.#worker();
    let frame: AleFrame;
    if (key !== this.#loaded || options.seed !== undefined) {
      frame = await ale.load({ ...this.#config, seed });
      this.#actions = frame.actions ?? [];
      this.#loaded = key;
    } else {
      frame = await ale.reset();
    }
    this.#state = this.#stateFor(options.episodeId ?? crypto.randomUUID());
    return await this.#observe(frame, 0);
  }

  /** Repeats the action for `frameskip` frames; reward is the score change. */
  async step(action: AtariAction): Promise<AtariObservation> {
    if (this.#loaded === undefined) await this.reset({});
    const frame = await (await this.#worker()).step(action.action_id);
    this.#state.step_count++;
    return await this.#observe(frame, frame.reward ?? 0);
  }

  /** Episode id, step count and the game's options. */
  get state(): AtariState {
    return { ...this.#state };
  }

  /** Describes the environment. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "atari_env",
      description: "Atari 2600 games through the Arcade Learning Environment (ale-py).",
      version: "0.1.0",
    };
  }

  /** Stops the Python worker. */
  override async close(): Promise<void> {
    const ale = this.#ale;
    this.#ale = undefined;
    if (ale) await (await ale).close();
  }

  async #observe(frame: AleFrame, reward: number): Promise<AtariObservation> {
    const shape = frame.shape;
    let screen: number[] = [];
    let data: string | null = null;
    if (this.#encoding === "list") screen = Array.from(frame.data);
    else if (this.#encoding === "png" && shape.length >= 2) {
      data = base64(
        await encodePng(frame.data, shape[0], shape[1], shape[2] === 3 ? 3 : 1),
      );
    } else data = base64(frame.data);
    return {
      screen,
      screen_shape: shape,
      screen_encoding: this.#encoding === "png" && shape.length < 2 ? "base64" : this.#encoding,
      screen_data: data,
      legal_actions: this.#actions.map((_, i) => i),
      action_meanings: [...this.#actions],
      lives: frame.lives,
      episode_frame_number: frame.episode_frame_number,
      frame_number: frame.frame_number,
      game_name: this.#config.game,
      done: frame.game_over,
      reward,
      metadata: {},
    };
  }
}
