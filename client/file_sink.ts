/**
 * Trajectory files for Deno: {@linkcode JsonlFileSink} writes the records of
 * a {@linkcode TrajectoryRecorder} as JSONL, {@linkcode readTrajectoryFile}
 * and {@linkcode replayFile} read them back. Kept apart from
 * `@openenv/core/client` because it uses `Deno` file APIs (needs
 * `--allow-write` / `--allow-read`); the format is described in the
 * client's trajectory module.
 *
 * @example Record to one file per episode, then replay one
 * ```ts ignore
 * import { EnvClient, TrajectoryRecorder } from "@openenv/core/client";
 * import { JsonlFileSink, replayFile } from "@openenv/core/client/file_sink";
 *
 * const recorder = new TrajectoryRecorder(new JsonlFileSink({ dir: "trajectories" }));
 * await using env = recorder.wrap(new EnvClient("http://127.0.0.1:8000"));
 * await env.reset({ episodeId: "ep-1" });
 * await env.step({ message: "hi" });
 * await recorder.close();
 *
 * await using fresh = new EnvClient("http://127.0.0.1:8000");
 * console.log((await replayFile("trajectories/ep-1.jsonl", fresh)).ok);
 * ```
 *
 * @module
 */
import {
  parseTrajectory,
  replay,
  type ReplayOptions,
  type ReplayReport,
  toJsonLine,
  type TrajectoryRecord,
  type TrajectoryRecorder,
  type TrajectorySink,
} from "./trajectory.ts";
import type { EnvSession } from "./types.ts";

export type { TrajectoryRecorder };

/** Options of {@linkcode JsonlFileSink}: give exactly one of `path` and `dir`. */
export interface JsonlFileSinkOptions {
  /** Append every record to this one file. */
  path?: string;
  /** Write each episode to `<dir>/<episode_id>.jsonl` (the folder is created). */
  dir?: string;
}

/**
 * Writes trajectory records as JSONL files, in order, appending to existing
 * files.
 *
 * @example
 * ```ts ignore
 * import { JsonlFileSink } from "@openenv/core/client/file_sink";
 *
 * const sink = new JsonlFileSink({ path: "run.jsonl" });
 * ```
 */
export class JsonlFileSink implements TrajectorySink {
  #path: string | undefined;
  #dir: string | undefined;
  #files = new Map<string, Deno.FsFile>();
  #dirReady: Promise<void> | undefined;
  #encoder = new TextEncoder();
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * Creates the sink (files open on the first record).
   *
   * @param options A file, or a folder for one file per episode.
   * @throws {TypeError} Unless exactly one of `path` and `dir` is given.
   */
  constructor(options: JsonlFileSinkOptions) {
    if ((options.path === undefined) === (options.dir === undefined)) {
      throw new TypeError(
        "JsonlFileSink needs exactly one of 'path' (one file) and 'dir' (one file per episode)",
      );
    }
    this.#path = options.path;
    this.#dir = options.dir?.replace(/\/+$/, "");
  }

  /**
   * The file a record goes to.
   *
   * @param record The record.
   * @returns Its file path.
   */
  fileFor(record: TrajectoryRecord): string {
    if (this.#path !== undefined) return this.#path;
    const safe = record.episode_id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200) || "episode";
    return `${this.#dir}/${safe}.jsonl`;
  }

  /**
   * Appends one record as a line.
   *
   * @param record The record.
   */
  write(record: TrajectoryRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("The JSONL sink is closed"));
    const line = this.#encoder.encode(toJsonLine(record));
    const path = this.fileFor(record);
    const next = this.#chain.then(async () => {
      let file = this.#files.get(path);
      if (!file) {
        if (this.#dir !== undefined) {
          await (this.#dirReady ??= Deno.mkdir(this.#dir, { recursive: true }));
        }
        file = await Deno.open(path, { append: true, create: true });
        this.#files.set(path, file);
      }
      let written = 0;
      while (written < line.length) written += await file.write(line.subarray(written));
    });
    this.#chain = next.catch(() => {});
    return next;
  }

  /** Waits for pending writes and closes the files. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
    for (const file of this.#files.values()) file.close();
    this.#files.clear();
  }
}

/**
 * Reads a JSONL trajectory file.
 *
 * @param path The file.
 * @returns Its records.
 * @throws {SyntaxError} Naming the first bad line.
 *
 * @example
 * ```ts ignore
 * const records = await readTrajectoryFile("trajectories/ep-1.jsonl");
 * ```
 */
export async function readTrajectoryFile(path: string): Promise<TrajectoryRecord[]> {
  return parseTrajectory(await Deno.readTextFile(path));
}

/**
 * Replays a JSONL trajectory file against an environment (see `replay`).
 *
 * @param path The file.
 * @param session A client for the environment.
 * @param options Keys to ignore, numeric tolerance, a signal.
 * @returns Counts and every divergence.
 *
 * @example
 * ```ts ignore
 * const report = await replayFile("trajectories/ep-1.jsonl", new EnvClient(url));
 * ```
 */
export async function replayFile<A, O, S>(
  path: string,
  session: EnvSession<A, O, S>,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  return await replay(await readTrajectoryFile(path), session, options);
}
