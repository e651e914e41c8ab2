/**
 * The reference web interface's single shared episode: one environment per
 * server behind `POST /web/reset`, `POST /web/step`, `GET /web/state`, with
 * every change pushed to the `/ws/ui` sockets as a `state_update` frame.
 *
 * This exists for clients written against the Python reference. Our own page
 * does not use it: each browser tab has its own `/ws` session.
 *
 * @module
 */
import type { Environment, ResetOptions } from "../../core/environment.ts";
import { type StepPayload, toStepPayload } from "../../core/models.ts";
import { asObservation, type Runtime, withStepTimeout } from "../_runtime.ts";
import { resetWithRubric, stepWithRubric } from "../_env_hooks.ts";
import { closeEnvironment } from "../_close_env.ts";

/** Options of {@linkcode SharedEpisode}. */
export interface SharedEpisodeOptions {
  /** Longest wait for the environment's `close()`, in milliseconds. @default {10000} */
  closeTimeoutMs?: number;
  /** Where a failing or stuck `close()` is reported. @default {console.error} */
  onCloseError?: (error: unknown) => void;
}

/** Most action logs kept, as in the reference. */
export const MAX_ACTION_LOGS = 1000;

/** One step of the shared episode, as the reference's `ActionLog`. */
export interface ActionLog {
  /** When the step finished (ISO 8601). */
  timestamp: string;
  /** The action, without `metadata`. */
  action: Record<string, unknown>;
  /** The observation fields (no reward or done). */
  observation: Record<string, unknown>;
  /** The step's reward. */
  reward: number | boolean | null;
  /** Whether the episode ended. */
  done: boolean;
  /** The environment's step count after the step. */
  step_count: number;
}

/** The shared episode, as the reference's `EpisodeState`. */
export interface EpisodeState {
  /** The current episode id, `null` before the first reset. */
  episode_id: string | null;
  /** Steps taken in the episode. */
  step_count: number;
  /** The last observation's fields, `null` before the first reset. */
  current_observation: Record<string, unknown> | null;
  /** Every step since the last reset (at most {@linkcode MAX_ACTION_LOGS}). */
  action_logs: ActionLog[];
  /** True right after a reset, false after a step. */
  is_reset: boolean;
}

function stepCountOf(state: unknown): number {
  const n = (state as { step_count?: unknown } | null)?.step_count;
  return typeof n === "number" ? n : 0;
}

function episodeIdOf(state: unknown): string | null {
  const id = (state as { episode_id?: unknown } | null)?.episode_id;
  return typeof id === "string" ? id : null;
}

/**
 * One environment shared by every client of the reference web routes.
 * Operations run one at a time, in arrival order.
 */
export class SharedEpisode {
  #rt: Runtime;
  #env: Promise<Environment> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #clients = new Set<WebSocket>();
  #closed = false;
  #state: EpisodeState = {
    episode_id: null,
    step_count: 0,
    current_observation: null,
    action_logs: [],
    is_reset: true,
  };

  #options: SharedEpisodeOptions;

  constructor(rt: Runtime, options: SharedEpisodeOptions = {}) {
    this.#rt = rt;
    this.#options = options;
  }

  /** The episode as `/ws/ui` reports it. */
  get episodeState(): EpisodeState {
    return this.#state;
  }

  /** How many `/ws/ui` sockets are attached. */
  get clientCount(): number {
    return this.#clients.size;
  }

  #exclusive<T>(op: (env: Environment) => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.#closed) throw new Error("The web interface is shut down");
      this.#env ??= this.#rt.createEnv();
      return await op(
        await this.#env.catch((error) => {
          this.#env = undefined; // try the factory again next time
          throw error;
        }),
      );
    };
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => {});
    return next;
  }

  /** Resets the shared environment and clears the action log. */
  reset(options: ResetOptions): Promise<StepPayload> {
    return this.#exclusive(async (env) => {
      const obs = await withStepTimeout(this.#rt, "reset()", () => resetWithRubric(env, options));
      const payload = toStepPayload(asObservation(obs, "reset()"));
      const state = await env.state;
      this.#state = {
        episode_id: episodeIdOf(state),
        step_count: 0,
        current_observation: payload.observation,
        action_logs: [],
        is_reset: true,
      };
      this.#broadcast();
      return payload;
    });
  }

  /** Steps the shared environment with a validated action and logs it. */
  step(action: Record<string, unknown>): Promise<StepPayload> {
    return this.#exclusive(async (env) => {
      const obs = await withStepTimeout(this.#rt, "step()", () => stepWithRubric(env, action, {}));
      const payload = toStepPayload(asObservation(obs, "step()"));
      const state = await env.state;
      const { metadata: _, ...logged } = action;
      const logs = [...this.#state.action_logs, {
        timestamp: new Date().toISOString(),
        action: logged,
        observation: payload.observation,
        reward: payload.reward,
        done: payload.done,
        step_count: stepCountOf(state),
      }];
      this.#state = {
        episode_id: episodeIdOf(state),
        step_count: stepCountOf(state),
        current_observation: payload.observation,
        action_logs: logs.slice(-MAX_ACTION_LOGS),
        is_reset: false,
      };
      this.#broadcast();
      return payload;
    });
  }

  /** The shared environment's state; rejects with what the environment threw. */
  state(): Promise<unknown> {
    return this.#exclusive(async (env) => (await env.state) ?? {});
  }

  /** Turns a message into an action with the environment's `messageToAction`, if it has one. */
  messageToAction(message: unknown): Promise<Record<string, unknown>> {
    return this.#exclusive(async (env) => {
      const convert = (env as unknown as { messageToAction?: unknown }).messageToAction;
      if (typeof convert !== "function") return { message };
      const action = await convert.call(env, message);
      const { metadata: _, ...rest } = action as Record<string, unknown>;
      return rest;
    });
  }

  /** Attaches a `/ws/ui` socket: it gets the episode now and after every change. */
  attach(socket: WebSocket): void {
    socket.onopen = () => {
      if (this.#closed) return socket.close(1000);
      this.#clients.add(socket);
      this.#send(socket, this.#frame());
    };
    socket.onmessage = () => {}; // keepalives: read and ignored
    socket.onclose = () => this.#clients.delete(socket);
    socket.onerror = () => this.#clients.delete(socket);
  }

  #frame(): string {
    return JSON.stringify({ type: "state_update", episode_state: this.#state });
  }

  #send(socket: WebSocket, frame: string): void {
    try {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      else this.#clients.delete(socket);
    } catch {
      this.#clients.delete(socket);
    }
  }

  #broadcast(): void {
    if (this.#clients.size === 0) return;
    const frame = this.#frame();
    for (const socket of [...this.#clients]) this.#send(socket, frame);
  }

  /** Closes the `/ws/ui` sockets and the shared environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#clients) {
      try {
        socket.close(1000);
      } catch { /* already closing */ }
    }
    this.#clients.clear();
    await this.#chain;
    const env = await this.#env?.catch(() => undefined);
    this.#env = undefined;
    if (env) {
      await closeEnvironment(
        env,
        this.#options.closeTimeoutMs ?? 10_000,
        this.#options.onCloseError,
      );
    }
  }
}
