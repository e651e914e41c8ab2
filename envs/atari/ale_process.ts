/**
 * A long-lived Python child running the Arcade Learning Environment
 * (`_ale_worker_source.ts`), driven over a compact line + raw-bytes protocol.
 *
 * @module
 */

/** Game configuration sent with a `load` request. */
export interface AleConfig {
  /** ROM id, for example `pong` or `breakout`. @default {"pong"} */
  game?: string;
  /** `rgb` (210×160×3), `grayscale` (210×160) or `ram` (128 bytes). @default {"rgb"} */
  obs_type?: "rgb" | "grayscale" | "ram";
  /** Frames per step (the action repeats). @default {4} */
  frameskip?: number;
  /** Sticky actions: chance that the previous action repeats. @default {0} */
  repeat_action_probability?: number;
  /** Game mode, if the game has several. */
  mode?: number | null;
  /** Game difficulty. */
  difficulty?: number | null;
  /** Use all 18 actions instead of the game's minimal set. @default {false} */
  full_action_space?: boolean;
  /** Emulator seed. @default {0} */
  seed?: number;
}

/** What the worker reports after load, reset and step. */
export interface AleFrame {
  /** Game loaded (after `load`). */
  game?: string;
  /** Action names (after `load`). */
  actions?: string[];
  /** Score change of the step (after `step`). */
  reward?: number;
  /** Remaining lives. */
  lives: number;
  /** Frames since the emulator started. */
  frame_number: number;
  /** Frames since the episode started. */
  episode_frame_number: number;
  /** Whether the game is over. */
  game_over: boolean;
  /** Shape of the observation. */
  shape: number[];
  /** The observation, row-major bytes. */
  data: Uint8Array;
}

/** Options for {@linkcode AleProcess.start}. */
export interface AleProcessOptions {
  /** Python interpreter with ale-py. @default {`$ATARI_PYTHON`, else the venv of setup.sh if present, else "python3"} */
  python?: string;
}

import { ALE_WORKER_SOURCE } from "./_ale_worker_source.ts";

const encoder = new TextEncoder();

/**
 * The interpreter `setup.sh` installs (`.cache/atari-venv` at the repository
 * root), when it exists and may be read; otherwise undefined.
 */
function localVenvPython(): string | undefined {
  try {
    const url = new URL("../../.cache/atari-venv/bin/python", import.meta.url);
    if (url.protocol !== "file:") return undefined;
    Deno.statSync(url);
    return url.pathname;
  } catch {
    return undefined; // missing, or no read permission (a sandboxed server)
  }
}
const decoder = new TextDecoder();

/**
 * The ALE worker process. One per environment session.
 *
 * @example
 * ```ts ignore
 * await using ale = await AleProcess.start();
 * const first = await ale.load({ game: "pong", obs_type: "ram" });
 * const next = await ale.step(0);
 * ```
 */
export class AleProcess {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = new Uint8Array(0);
  #stderr: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#reader = child.stdout.getReader();
    void (async () => {
      for await (
        const chunk of child.stderr.pipeThrough(new TextDecoderStream())
      ) {
        this.#stderr.push(chunk);
        if (this.#stderr.length > 50) this.#stderr.shift();
      }
    })().catch(() => {});
  }

  /**
   * Starts the worker.
   *
   * @throws {Error} When Python or ale-py cannot be started.
   */
  static start(options: AleProcessOptions = {}): Promise<AleProcess> {
    let python = options.python;
    if (!python) {
      try {
        python = Deno.env.get("ATARI_PYTHON");
      } catch { /* no env access: use the default */ }
    }
    python ??= localVenvPython() ?? "python3";
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(python, {
        args: ["-u", "-c", ALE_WORKER_SOURCE],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      return Promise.reject(
        new Error(
          `Cannot start Python "${python}" for the Atari worker: ${
            (error as Error).message
          }. Set ATARI_PYTHON to an interpreter with ale-py (see envs/atari/setup.sh)`,
        ),
      );
    }
    return Promise.resolve(new AleProcess(child));
  }

  /** Loads a game (a fresh emulator) and returns its first frame. */
  load(config: AleConfig): Promise<AleFrame> {
    return this.#request({ op: "load", ...config });
  }

  /** Starts a new episode of the loaded game. */
  reset(): Promise<AleFrame> {
    return this.#request({ op: "reset" });
  }

  /** Plays action number `index` of the action set for `frameskip` frames. */
  step(index: number): Promise<AleFrame> {
    return this.#request({ op: "step", action: index });
  }

  /** Stops the worker (politely, then by force). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#writer.write(encoder.encode('{"op":"close"}\n'));
      await this.#writer.close();
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* exited */ }
    }, 2000);
    await this.#child.status;
    clearTimeout(timer);
    await this.#reader.cancel().catch(() => {});
  }

  /** Same as {@linkcode AleProcess.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #request(message: Record<string, unknown>): Promise<AleFrame> {
    const run = async (): Promise<AleFrame> => {
      if (this.#closed) throw new Error("The Atari worker is closed");
      await this.#writer.write(encoder.encode(JSON.stringify(message) + "\n"));
      const header = JSON.parse(decoder.decode(await this.#readLine()));
      if (header.error) throw new Error(header.error);
      const data = header.obs_bytes ? await this.#readBytes(header.obs_bytes) : new Uint8Array(0);
      return { ...header, data };
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #fill(): Promise<void> {
    const { value, done } = await this.#reader.read();
    if (done) {
      throw new Error(
        `The Atari worker exited${
          this.#stderr.length ? `: ${this.#stderr.join("").trim().slice(-2000)}` : ""
        }`,
      );
    }
    const merged = new Uint8Array(this.#buffer.length + value.length);
    merged.set(this.#buffer);
    merged.set(value, this.#buffer.length);
    this.#buffer = merged;
  }

  async #readLine(): Promise<Uint8Array> {
    let at: number;
    while ((at = this.#buffer.indexOf(10)) < 0) await this.#fill();
    const line = this.#buffer.subarray(0, at);
    this.#buffer = this.#buffer.slice(at + 1);
    return line;
  }

  async #readBytes(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) await this.#fill();
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }
}
