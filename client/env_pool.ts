/**
 * {@linkcode EnvPool}: N environment sessions over one or many servers, for
 * parallel rollouts (for example GRPO groups).
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "./env_client.ts";
import {
  CapacityError,
  ClientClosedError,
  ConnectError,
  HttpError,
  ServerError,
  SessionLostError,
  TimeoutError,
} from "./errors.ts";
import type { TrajectoryRecorder } from "./trajectory.ts";
import type { CallOptions, EnvSession, ResetOptions, StepResult } from "./types.ts";

/**
 * Builds the client of one pool slot.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export type SessionFactory<A, O, S> = (url: string, index: number) => EnvSession<A, O, S>;

/**
 * Options of {@linkcode EnvPool}.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 */
export interface EnvPoolOptions<A, O, S> {
  /** One base URL, or several: slot `i` uses `urls[i % urls.length]`. */
  urls: string | string[];
  /** Number of sessions. */
  size: number;
  /** Most calls in flight at once across the pool. @default {size} */
  concurrency?: number;
  /** Options of each {@linkcode EnvClient} (ignored when `createSession` is given). */
  client?: EnvClientOptions<A, O, S>;
  /**
   * Builds each session, for example an {@linkcode HttpEnvClient} or a
   * recorded client. @default {a new EnvClient with `client` options}
   */
  createSession?: SessionFactory<A, O, S>;
  /** Records every session's episodes; each header's `session` is the slot index. */
  recorder?: TrajectoryRecorder;
}

/** The outcome of one slot in a batch call: fulfilled with a value or rejected with a reason. */
export type Settled<T> = PromiseSettledResult<T>;

/** Health of one pool slot. */
export interface SlotInfo {
  /** The slot's index. */
  index: number;
  /** The base URL it talks to. */
  url: string;
  /**
   * False once a call on it failed in a way that leaves the session unusable
   * (lost connection, connect failure, timeout, capacity), until a call
   * succeeds or the slot is replaced. Errors the environment reported
   * (`VALIDATION_ERROR`, `EXECUTION_ERROR`) leave it healthy.
   */
  healthy: boolean;
  /** The error that made it unhealthy, if it is. */
  lastError?: unknown;
}

interface Slot<A, O, S> {
  session: EnvSession<A, O, S>;
  url: string;
  lastError?: unknown;
  failed: boolean;
}

/**
 * A fixed-size pool of environment sessions. Batch calls run on every slot
 * with bounded concurrency and return one settled outcome per slot, in slot
 * order: a failing session never poisons the batch, and
 * {@linkcode EnvPool.replace} swaps it for a fresh one.
 *
 * Sessions connect lazily (on their first call), so creating a pool is
 * cheap; {@linkcode EnvPool.connect} creates one and connects every slot.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 *
 * @example A rollout step over 8 sessions on two servers
 * ```ts ignore
 * import { EnvPool } from "@openenv/core/client";
 *
 * await using pool = new EnvPool({ urls: ["http://a:8000", "http://b:8000"], size: 8 });
 * await pool.resetAll((i) => ({ seed: i }));
 * const outcomes = await pool.stepAll(pool.indices.map((i) => ({ message: `try ${i}` })));
 * for (const [i, o] of outcomes.entries()) {
 *   if (o.status === "fulfilled") console.log(i, o.value.reward);
 *   else await pool.replace(i);
 * }
 * ```
 */
export class EnvPool<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
> {
  #slots: Slot<A, O, S>[];
  #urls: string[];
  #concurrency: number;
  #create: SessionFactory<A, O, S>;
  #closed = false;

  /**
   * Creates the pool's sessions (nothing connects yet).
   *
   * @param options URLs, size, concurrency and how to build sessions.
   * @throws {RangeError} When `size` or `concurrency` is not a positive integer, or `urls` is empty.
   */
  constructor(options: EnvPoolOptions<A, O, S>) {
    const urls = typeof options.urls === "string" ? [options.urls] : [...options.urls];
    if (urls.length === 0) throw new RangeError("urls must name at least one server");
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`size must be a positive integer, got ${options.size}`);
    }
    const concurrency = options.concurrency ?? options.size;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#urls = urls;
    this.#concurrency = concurrency;
    const create: SessionFactory<A, O, S> = options.createSession ??
      ((url) => new EnvClient<A, O, S>(url, options.client));
    const recorder = options.recorder;
    this.#create = recorder
      ? (url, i) => recorder.wrap(create(url, i), { label: String(i) })
      : create;
    this.#slots = Array.from({ length: options.size }, (_, i) => {
      const url = urls[i % urls.length];
      return { session: this.#create(url, i), url, failed: false };
    });
  }

  /**
   * Creates a pool and connects every slot.
   *
   * @param options Pool options.
   * @returns The connected pool.
   * @throws {AggregateError} When some slots cannot connect; the pool is closed first.
   *
   * @example
   * ```ts ignore
   * await using pool = await EnvPool.connect({ urls: "http://127.0.0.1:8000", size: 4 });
   * ```
   */
  static async connect<
    A = Record<string, unknown>,
    O = Record<string, unknown>,
    S = Record<string, unknown>,
  >(
    options: EnvPoolOptions<A, O, S>,
  ): Promise<EnvPool<A, O, S>> {
    const pool = new EnvPool<A, O, S>(options);
    const outcomes = await pool.#all(pool.indices, (slot) => {
      const s = slot.session as { connect?: (call?: CallOptions) => Promise<void> };
      return s.connect ? s.connect() : Promise.resolve();
    });
    const failed = outcomes.flatMap((o, i) => o.status === "rejected" ? [[i, o.reason]] : []);
    if (failed.length) {
      await pool.close();
      throw new AggregateError(
        failed.map(([, reason]) => reason),
        `Cannot connect ${failed.length} of ${pool.size} pool session(s): slot(s) ${
          failed.map(([i]) => i).join(", ")
        }`,
      );
    }
    return pool;
  }

  /** Number of slots. */
  get size(): number {
    return this.#slots.length;
  }

  /** Slot indices, `[0, 1, …, size - 1]`. */
  get indices(): number[] {
    return this.#slots.map((_, i) => i);
  }

  /** Number of slots whose last call did not fail. */
  get healthy(): number {
    return this.#slots.filter((s) => !s.failed).length;
  }

  /** Health of every slot. */
  info(): SlotInfo[] {
    return this.#slots.map((s, index) => ({
      index,
      url: s.url,
      healthy: !s.failed,
      ...(s.failed ? { lastError: s.lastError } : {}),
    }));
  }

  /**
   * The session of one slot, for calls the pool does not batch.
   *
   * @param index The slot.
   * @returns Its session.
   */
  session(index: number): EnvSession<A, O, S> {
    return this.#slot(index).session;
  }

  /**
   * Resets every slot (or the given ones).
   *
   * @param options Reset options for all, or a function of the slot index (for per-slot seeds).
   * @param call A signal and a per-call time limit; `indices` limits the batch.
   * @returns One settled outcome per slot in `indices` order.
   *
   * @example
   * ```ts ignore
   * const outcomes = await pool.resetAll((i) => ({ seed: 100 + i }));
   * ```
   */
  resetAll(
    options: ResetOptions | ((index: number) => ResetOptions) = {},
    call: CallOptions & { indices?: number[] } = {},
  ): Promise<Settled<StepResult<O>>[]> {
    const indices = call.indices ?? this.indices;
    return this.#all(indices, (slot, i) =>
      slot.session.reset(
        typeof options === "function" ? options(i) : options,
        { signal: call.signal, timeoutS: call.timeoutS },
      ));
  }

  /**
   * Steps every slot with its own action: `actions[i]` goes to slot `i`.
   * With `indices`, only those slots step (for example the ones whose
   * episode is not over): `actions[k]` goes to slot `indices[k]`.
   *
   * @param actions One action per slot (or per entry of `indices`).
   * @param call A signal, a per-call time limit and the slots to step.
   * @returns One settled outcome per stepped slot, in the same order.
   * @throws {RangeError} When the actions and the slots do not pair up, or a slot does not exist.
   *
   * @example Step only the slots still running
   * ```ts ignore
   * const running = pool.indices.filter((i) => !done[i]);
   * const outcomes = await pool.stepAll(running.map((i) => policy(obs[i])), { indices: running });
   * ```
   */
  stepAll(
    actions: A[],
    call: CallOptions & { indices?: number[] } = {},
  ): Promise<Settled<StepResult<O>>[]> {
    const indices = call.indices ?? this.indices;
    if (!Array.isArray(actions) || actions.length !== indices.length) {
      const got = Array.isArray(actions) ? actions.length : typeof actions;
      return Promise.reject(
        new RangeError(
          call.indices
            ? `stepAll needs one action per index: got ${got} action(s) for ${indices.length} index(es)`
            : `stepAll needs one action per session: got ${got}, the pool has ${this.size}`,
        ),
      );
    }
    if (new Set(indices).size !== indices.length) {
      return Promise.reject(new RangeError(`stepAll indices repeat a slot: ${indices.join(", ")}`));
    }
    const actionOf = new Map(indices.map((slot, k) => [slot, actions[k]]));
    return this.#all(
      indices,
      (slot, i) =>
        slot.session.step(actionOf.get(i)!, { signal: call.signal, timeoutS: call.timeoutS }),
    );
  }

  /**
   * The state of every slot.
   *
   * @param call A signal and a per-call time limit.
   * @returns One settled outcome per slot.
   */
  stateAll(call: CallOptions = {}): Promise<Settled<S>[]> {
    return this.#all(this.indices, (slot) => slot.session.state(call));
  }

  /**
   * Swaps a slot's session for a new one on the same server (or `url`),
   * closing the old one without waiting on it for long. The new session
   * connects on its first call.
   *
   * @param index The slot.
   * @param options Another server for this slot.
   *
   * @example
   * ```ts ignore
   * await pool.replace(3);
   * await pool.session(3).reset();
   * ```
   */
  async replace(index: number, options: { url?: string } = {}): Promise<void> {
    const slot = this.#slot(index);
    const old = slot.session;
    const url = options.url ?? slot.url;
    this.#slots[index] = { session: this.#create(url, index), url, failed: false };
    try {
      await old.close();
    } catch { /* the old session is already broken */ }
  }

  /** Closes every session. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#slots.map((s) => s.session.close()));
  }

  /** Same as {@linkcode EnvPool.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #slot(index: number): Slot<A, O, S> {
    const slot = this.#slots[index];
    if (!slot) {
      throw new RangeError(`No pool slot ${index}: valid slots are 0 to ${this.size - 1}`);
    }
    return slot;
  }

  async #all<T>(
    indices: number[],
    op: (slot: Slot<A, O, S>, index: number) => Promise<T>,
  ): Promise<Settled<T>[]> {
    for (const i of indices) this.#slot(i);
    const results: Settled<T>[] = new Array(indices.length);
    let next = 0;
    const worker = async () => {
      while (next < indices.length) {
        const k = next++;
        const index = indices[k];
        const slot = this.#slots[index];
        try {
          const value = await op(slot, index);
          results[k] = { status: "fulfilled", value };
          if (this.#slots[index] === slot) slot.failed = false;
        } catch (reason) {
          results[k] = { status: "rejected", reason };
          if (isSessionFailure(reason)) {
            slot.failed = true;
            slot.lastError = reason;
          }
        }
      }
    };
    const workers = Math.min(this.#concurrency, indices.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return results;
  }
}

/** Whether an error leaves the session unusable (as opposed to a bad action or an env error). */
function isSessionFailure(reason: unknown): boolean {
  if (reason instanceof CapacityError) return true;
  if (reason instanceof ServerError) return false;
  if (reason instanceof HttpError) return reason.status === 404 || reason.status >= 502;
  return reason instanceof SessionLostError || reason instanceof ConnectError ||
    reason instanceof TimeoutError || reason instanceof ClientClosedError;
}
