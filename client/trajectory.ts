/**
 * Trajectory recording and replay, runtime-neutral: a
 * {@linkcode TrajectoryRecorder} wraps a client (or every session of a pool)
 * and hands one record per episode start and per step to a
 * {@linkcode TrajectorySink}; {@linkcode replay} re-sends the recorded
 * actions and reports where the environment now answers differently.
 *
 * Writing files is not in here: `@openenv/core/client/file_sink` has the
 * Deno JSONL file sink.
 *
 * ## JSONL format (version 1)
 *
 * One JSON object per line. An episode starts with a header line, written
 * when `reset()` returns; each `step()` then adds a step line.
 *
 * Header:
 *
 * | field | type | meaning |
 * | --- | --- | --- |
 * | `type` | `"episode"` | |
 * | `version` | `1` | format version |
 * | `episode_id` | string | the reset's `episodeId`, else a random UUID |
 * | `session` | string | label of the recorded session (a pool slot index, …) |
 * | `started_at` | string | ISO 8601 time of the reset |
 * | `reset_options` | object | the options given to `reset()` |
 * | `observation`, `reward`, `done` | | the reset's result |
 * | `timing_ms` | number | how long `reset()` took |
 *
 * Step:
 *
 * | field | type | meaning |
 * | --- | --- | --- |
 * | `type` | `"step"` | |
 * | `episode_id` | string | the episode it belongs to |
 * | `step` | number | 1 for the first step of the episode, then 2, 3, … |
 * | `action` | object | the action sent |
 * | `observation`, `reward`, `done` | | the result (absent when the step failed) |
 * | `error` | `{name, code?, message}` | present when the step failed |
 * | `timing_ms` | number | how long `step()` took |
 *
 * @example Record into memory, then replay
 * ```ts ignore
 * import { EnvClient, MemorySink, replay, TrajectoryRecorder } from "@openenv/core/client";
 *
 * const sink = new MemorySink();
 * const recorder = new TrajectoryRecorder(sink);
 * await using env = recorder.wrap(new EnvClient("http://127.0.0.1:8000"));
 * await env.reset({ seed: 1 });
 * await env.step({ message: "hi" });
 * await recorder.close();
 *
 * await using fresh = new EnvClient("http://127.0.0.1:8000");
 * const report = await replay(sink.records, fresh);
 * console.log(report.ok, report.divergences);
 * ```
 *
 * @module
 */
import type { CallOptions, EnvSession, ResetOptions, Reward, StepResult } from "./types.ts";

/** The first line of an episode. */
export interface EpisodeRecord {
  /** Record kind. */
  type: "episode";
  /** Format version. */
  version: 1;
  /** The episode's id. */
  episode_id: string;
  /** Label of the recorded session. */
  session: string;
  /** ISO 8601 time of the reset. */
  started_at: string;
  /** Options given to `reset()`. */
  reset_options: ResetOptions;
  /** The reset's observation. */
  observation: unknown;
  /** The reset's reward. */
  reward: Reward;
  /** Whether the episode was over at once. */
  done: boolean;
  /** Duration of `reset()`, in milliseconds. */
  timing_ms: number;
}

/** A failed step, as recorded. */
export interface RecordedError {
  /** The error's class name. */
  name: string;
  /** Its `code`, when it has one. */
  code?: string;
  /** Its message. */
  message: string;
}

/** One step of an episode. */
export interface StepRecord {
  /** Record kind. */
  type: "step";
  /** The episode it belongs to. */
  episode_id: string;
  /** 1-based index in the episode. */
  step: number;
  /** The action sent. */
  action: unknown;
  /** The observation (absent when the step failed). */
  observation?: unknown;
  /** The reward (absent when the step failed). */
  reward?: Reward;
  /** The done flag (absent when the step failed). */
  done?: boolean;
  /** Why the step failed, when it did. */
  error?: RecordedError;
  /** Duration of `step()`, in milliseconds. */
  timing_ms: number;
}

/** A line of a trajectory file. */
export type TrajectoryRecord = EpisodeRecord | StepRecord;

/** Where recorded lines go. Implementations must keep the order of `write` calls. */
export interface TrajectorySink {
  /** Stores one record. */
  write(record: TrajectoryRecord): void | Promise<void>;
  /** Flushes and releases what the sink holds. */
  close?(): void | Promise<void>;
}

/**
 * A sink that keeps records in memory (works in every runtime).
 *
 * @example
 * ```ts
 * import { MemorySink } from "@openenv/core/client";
 *
 * const sink = new MemorySink();
 * sink.write({ type: "step", episode_id: "e", step: 1, action: {}, timing_ms: 1 });
 * console.log(sink.toJsonl());
 * ```
 */
export class MemorySink implements TrajectorySink {
  /** Records written so far, in order. */
  readonly records: TrajectoryRecord[] = [];

  /**
   * Stores a copy of the record.
   *
   * @param record The record.
   */
  write(record: TrajectoryRecord): void {
    this.records.push(structuredClone(record));
  }

  /**
   * The records as JSONL text.
   *
   * @returns One JSON object per line, each line ending with `\n`.
   */
  toJsonl(): string {
    return this.records.map(toJsonLine).join("");
  }
}

/**
 * One record as a JSONL line (with the trailing newline).
 *
 * @param record The record.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { toJsonLine } from "@openenv/core/client";
 *
 * toJsonLine({ type: "step", episode_id: "e", step: 1, action: {}, timing_ms: 1 });
 * ```
 */
export function toJsonLine(record: TrajectoryRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Parses JSONL text into records, checking each line's shape.
 *
 * @param text The file's content.
 * @returns The records in order.
 * @throws {SyntaxError} Naming the line that is not valid JSON or not a record.
 *
 * @example
 * ```ts
 * import { parseTrajectory } from "@openenv/core/client";
 *
 * const records = parseTrajectory('{"type":"step","episode_id":"e","step":1,"action":{},"timing_ms":1}\n');
 * console.log(records.length); // 1
 * ```
 */
export function parseTrajectory(text: string): TrajectoryRecord[] {
  const records: TrajectoryRecord[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new SyntaxError(`Line ${i + 1} of the trajectory is not valid JSON`, { cause });
    }
    const v = value as Partial<TrajectoryRecord> | null;
    const ok = v !== null && typeof v === "object" && typeof v.episode_id === "string" &&
      (v.type === "episode" || (v.type === "step" && typeof v.step === "number"));
    if (!ok) {
      throw new SyntaxError(
        `Line ${i + 1} of the trajectory is not an episode or step record: ${line.slice(0, 120)}`,
      );
    }
    records.push(value as TrajectoryRecord);
  }
  return records;
}

/** Options of {@linkcode TrajectoryRecorder}. */
export interface TrajectoryRecorderOptions {
  /** Clock in milliseconds, for timings. @default {performance.now} */
  now?: () => number;
}

/** Options of {@linkcode TrajectoryRecorder.wrap}. */
export interface WrapOptions {
  /** Label stored in each episode header's `session`. @default {"0", "1", … in wrap order} */
  label?: string;
}

/**
 * A client whose episodes are recorded. It has the wrapped client's
 * `reset`, `step`, `state` and `close` (and `connect`, when it has one).
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface RecordedSession<A, O, S> extends EnvSession<A, O, S> {
  /** The id of the episode being recorded, once `reset()` returned. */
  readonly episodeId: string | undefined;
  /** The wrapped client. */
  readonly inner: EnvSession<A, O, S>;
  /** Opens the wrapped client's connection, when it has `connect`. */
  connect(call?: CallOptions): Promise<void>;
}

/**
 * Records the episodes of the clients it wraps (see the module doc for the
 * JSONL format). Recording is opt-in and leaves the wire untouched.
 *
 * A failing sink never costs a step result: the error is kept and thrown
 * by {@linkcode TrajectoryRecorder.close}.
 *
 * @example Record every session of a pool to files (Deno)
 * ```ts ignore
 * import { EnvPool, TrajectoryRecorder } from "@openenv/core/client";
 * import { JsonlFileSink } from "@openenv/core/client/file_sink";
 *
 * const recorder = new TrajectoryRecorder(new JsonlFileSink({ dir: "runs/1" }));
 * await using pool = new EnvPool({ urls: "http://127.0.0.1:8000", size: 8, recorder });
 * await pool.resetAll();
 * // …
 * await recorder.close();
 * ```
 */
export class TrajectoryRecorder {
  #sink: TrajectorySink;
  #now: () => number;
  #chain: Promise<void> = Promise.resolve();
  #errors: unknown[] = [];
  #wrapped = 0;
  #episodes = 0;
  #steps = 0;
  #closed = false;

  /**
   * Creates a recorder.
   *
   * @param sink Where records go.
   * @param options A clock for timings.
   */
  constructor(sink: TrajectorySink, options: TrajectoryRecorderOptions = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Episodes started while recording. */
  get episodes(): number {
    return this.#episodes;
  }

  /** Steps recorded. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * Wraps a client so its episodes are recorded.
   *
   * @param session The client.
   * @param options A label for the episode headers.
   * @returns A client with the same calls, recorded.
   *
   * @example
   * ```ts ignore
   * await using env = recorder.wrap(new EnvClient(url), { label: "worker-3" });
   * ```
   */
  wrap<A, O, S>(
    session: EnvSession<A, O, S>,
    options: WrapOptions = {},
  ): RecordedSession<A, O, S> {
    const label = options.label ?? String(this.#wrapped);
    this.#wrapped++;
    let episodeId: string | undefined;
    let stepIndex = 0;
    const record = (r: TrajectoryRecord) => this.#write(r);
    const now = this.#now;
    const inner = session;
    const countEpisode = () => this.#episodes++;
    const countStep = () => this.#steps++;
    const wrapped: RecordedSession<A, O, S> = {
      get episodeId() {
        return episodeId;
      },
      inner,
      async connect(call?: CallOptions): Promise<void> {
        const c = (inner as { connect?: (call?: CallOptions) => Promise<void> }).connect;
        if (c) await c.call(inner, call);
      },
      async reset(options: ResetOptions = {}, call?: CallOptions): Promise<StepResult<O>> {
        const start = now();
        const startedAt = new Date().toISOString();
        const result = await inner.reset(options, call);
        const timing = now() - start;
        episodeId = typeof options.episodeId === "string" ? options.episodeId : crypto.randomUUID();
        stepIndex = 0;
        countEpisode();
        await record({
          type: "episode",
          version: 1,
          episode_id: episodeId,
          session: label,
          started_at: startedAt,
          reset_options: options,
          observation: result.observation,
          reward: result.reward,
          done: result.done,
          timing_ms: timing,
        });
        return result;
      },
      async step(action: A, call?: CallOptions): Promise<StepResult<O>> {
        const start = now();
        let result: StepResult<O>;
        try {
          result = await inner.step(action, call);
        } catch (error) {
          if (episodeId !== undefined && !isLocalInputError(error)) {
            stepIndex++;
            countStep();
            await record({
              type: "step",
              episode_id: episodeId,
              step: stepIndex,
              action,
              error: describeError(error),
              timing_ms: now() - start,
            });
          }
          throw error;
        }
        const timing = now() - start;
        if (episodeId !== undefined) {
          stepIndex++;
          countStep();
          await record({
            type: "step",
            episode_id: episodeId,
            step: stepIndex,
            action,
            observation: result.observation,
            reward: result.reward,
            done: result.done,
            timing_ms: timing,
          });
        }
        return result;
      },
      state: (call?: CallOptions) => inner.state(call),
      close: () => inner.close(),
      [Symbol.asyncDispose]: () => inner.close(),
    };
    return wrapped;
  }

  /**
   * Waits for pending writes and closes the sink. Throws the first sink
   * error met while recording, if any. Idempotent.
   *
   * @example
   * ```ts ignore
   * await recorder.close();
   * ```
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#chain;
      try {
        await this.#sink.close?.();
      } catch (error) {
        this.#errors.push(error);
      }
    }
    if (this.#errors.length) {
      throw new Error(
        `The trajectory sink failed ${this.#errors.length} time(s); some records are missing`,
        { cause: this.#errors[0] },
      );
    }
  }

  /** Same as {@linkcode TrajectoryRecorder.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #write(record: TrajectoryRecord): Promise<void> {
    if (this.#closed) {
      this.#errors.push(new Error("A record arrived after the recorder was closed"));
      return Promise.resolve();
    }
    const next = this.#chain.then(async () => {
      try {
        await this.#sink.write(record);
      } catch (error) {
        this.#errors.push(error);
      }
    });
    this.#chain = next;
    return next;
  }
}

function isLocalInputError(error: unknown): boolean {
  // An action refused before sending: nothing reached the environment.
  return error instanceof TypeError;
}

function describeError(error: unknown): RecordedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      ...(typeof code === "string" ? { code } : {}),
      message: error.message,
    };
  }
  return { name: "Error", message: String(error) };
}

/** Where {@linkcode replay} reads records from. */
export type TrajectorySource =
  | string
  | Iterable<TrajectoryRecord>
  | AsyncIterable<TrajectoryRecord>;

/** A place where the replayed episode differs from the recording. */
export interface Divergence {
  /** The recorded episode. */
  episode_id: string;
  /** 0 for the reset, else the step index. */
  step: number;
  /** What differs. */
  field: "observation" | "reward" | "done" | "error";
  /** The recorded value (for `error`: the recorded error, or null when the step had succeeded). */
  expected: unknown;
  /** The value now (for `error`: the error now, or null when the step now succeeds). */
  actual: unknown;
}

/** Options of {@linkcode replay}. */
export interface ReplayOptions {
  /** Observation keys not compared (for example timestamps). @default {[]} */
  ignoreKeys?: string[];
  /** Largest difference between numbers still counted as equal. @default {1e-9} */
  tolerance?: number;
  /** Cancels the replay. */
  signal?: AbortSignal;
}

/** What {@linkcode replay} found. */
export interface ReplayReport {
  /** Episodes replayed. */
  episodes: number;
  /** Steps replayed. */
  steps: number;
  /** Every difference found. */
  divergences: Divergence[];
  /** True when nothing differs. */
  ok: boolean;
}

/**
 * Replays recorded episodes against an environment: for each episode it
 * resets with the recorded options, re-sends each recorded action, and
 * compares observation, reward, done and failure with the recording.
 *
 * @param source JSONL text, or records (an array or an async iterable).
 * @param session A client for the environment (a fresh, un-recorded one).
 * @param options Keys to ignore, numeric tolerance, a signal.
 * @returns Counts and every divergence.
 * @throws {SyntaxError} When the source is not a valid trajectory.
 *
 * @example
 * ```ts ignore
 * const report = await replay(jsonlText, new EnvClient(url));
 * if (!report.ok) console.table(report.divergences);
 * ```
 */
export async function replay<A, O, S>(
  source: TrajectorySource,
  session: EnvSession<A, O, S>,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const records: TrajectoryRecord[] = [];
  if (typeof source === "string") records.push(...parseTrajectory(source));
  else if (Symbol.asyncIterator in source) { for await (const r of source) records.push(r); }
  else records.push(...source);

  const ignore = new Set(options.ignoreKeys ?? []);
  const tolerance = options.tolerance ?? 1e-9;
  const report: ReplayReport = { episodes: 0, steps: 0, divergences: [], ok: true };
  const call: CallOptions = { signal: options.signal };
  const headers = records.filter((r): r is EpisodeRecord => r.type === "episode");
  for (const header of headers) {
    options.signal?.throwIfAborted();
    const id = header.episode_id;
    const steps = records
      .filter((r): r is StepRecord => r.type === "step" && r.episode_id === id)
      .sort((a, b) => a.step - b.step);
    const diverge = (d: Omit<Divergence, "episode_id">) =>
      report.divergences.push({ episode_id: id, ...d });
    report.episodes++;
    const first = await session.reset(header.reset_options ?? {}, call);
    compareResult(header, first, 0, diverge, ignore, tolerance);
    for (const rec of steps) {
      options.signal?.throwIfAborted();
      report.steps++;
      let result: StepResult<O> | undefined;
      let failure: unknown;
      try {
        result = await session.step(rec.action as A, call);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failure = error;
      }
      if (rec.error) {
        if (!failure) {
          diverge({ step: rec.step, field: "error", expected: rec.error, actual: null });
        }
        continue;
      }
      if (failure) {
        diverge({ step: rec.step, field: "error", expected: null, actual: describeError(failure) });
        continue;
      }
      compareResult(rec, result!, rec.step, diverge, ignore, tolerance);
    }
  }
  report.ok = report.divergences.length === 0;
  return report;
}

function compareResult<O>(
  expected: { observation?: unknown; reward?: Reward; done?: boolean },
  actual: StepResult<O>,
  step: number,
  diverge: (d: Omit<Divergence, "episode_id">) => void,
  ignore: Set<string>,
  tolerance: number,
): void {
  const now = JSON.parse(JSON.stringify(actual.observation ?? null));
  const strip = (v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v) || ignore.size === 0) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => !ignore.has(k)));
  };
  if (!same(strip(expected.observation ?? null), strip(now), tolerance)) {
    diverge({ step, field: "observation", expected: expected.observation, actual: now });
  }
  if (!same(expected.reward ?? null, actual.reward, tolerance)) {
    diverge({ step, field: "reward", expected: expected.reward, actual: actual.reward });
  }
  if ((expected.done ?? false) !== actual.done) {
    diverge({ step, field: "done", expected: expected.done, actual: actual.done });
  }
}

function same(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= tolerance;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => same(v, bb[i], tolerance));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    Object.hasOwn(b, k) &&
    same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance)
  );
}
