/**
 * Sessions: one environment instance per WebSocket connection, HTTP MCP
 * session or opt-in HTTP session, with a capacity limit and an idle reaper.
 *
 * @module
 */
import type { Environment, EnvironmentFactory } from "../core/environment.ts";
import { OpenEnvError } from "../core/errors.ts";
import { closeEnvironment } from "./_close_env.ts";
import { buildWithin } from "./_factory.ts";

/** How a session was opened. */
export type SessionKind = "ws" | "mcp-ws" | "mcp-http" | "http";

/** A live session: its environment and bookkeeping. */
export interface Session {
  /** Random id (a UUID). */
  readonly id: string;
  /** How the session was opened. */
  readonly kind: SessionKind;
  /** The session's environment instance. */
  readonly env: Environment;
  /** When the session was created (ms since the epoch). */
  readonly createdAt: number;
  /** Last reset, step or tool call (ms since the epoch). */
  lastActivityAt: number;
  /** Steps and tool calls served in this session. */
  stepCount: number;
  /** Operations in flight; a busy session is never reaped. */
  busy: number;
  /** Aborted when the session ends. */
  readonly abort: AbortController;
  /** Called when the reaper or a shutdown ends the session. */
  onEnd?: (reason: "idle" | "shutdown") => void;
}

/** Options for {@linkcode SessionManager}. */
export interface SessionManagerOptions {
  /** Builds the environment of a new session. */
  factory: EnvironmentFactory;
  /** Most sessions alive at once. */
  maxSessions: number;
  /** End sessions idle for longer than this many seconds; `null` never does. */
  sessionTimeoutS?: number | null;
  /** Idle limit for opt-in HTTP sessions, which have no socket to notice a dead client. @default {300} */
  httpSessionTimeoutS?: number;
  /**
   * Longest wait for an environment's `close()` (seconds); past it the
   * session is gone anyway and the failure is logged, so a stuck environment
   * cannot hold up a shutdown. @default {10}
   */
  closeTimeoutS?: number;
  /**
   * Longest wait for the factory (seconds); past it the client gets
   * `FACTORY_ERROR`, the slot is freed, and an environment that arrives
   * later is closed. `null` waits forever, as the reference does. @default {null}
   */
  factoryTimeoutS?: number | null;
}

/** Capacity of the server, as the reference reports it in errors. */
export interface CapacityStatus {
  /** Sessions alive or being created. */
  activeSessions: number;
  /** The limit. */
  maxSessions: number;
}

/**
 * Creates, finds and destroys sessions, enforcing the capacity limit.
 *
 * @example
 * ```ts ignore
 * const manager = new SessionManager({ factory: () => new MyEnv(), maxSessions: 4 });
 * const session = await manager.create("ws");
 * await manager.destroy(session.id);
 * ```
 */
export class SessionManager {
  #sessions = new Map<string, Session>();
  #pending = 0;
  #factory: EnvironmentFactory;
  #max: number;
  #timeoutMs: number | null;
  #httpTimeoutMs: number;
  #closeTimeoutMs: number;
  #factoryTimeoutMs: number | null;
  #reaper: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** Creates a manager; the idle reaper starts with the first session. */
  constructor(options: SessionManagerOptions) {
    this.#factory = options.factory;
    this.#max = options.maxSessions;
    this.#timeoutMs = options.sessionTimeoutS ? options.sessionTimeoutS * 1000 : null;
    this.#httpTimeoutMs = (options.httpSessionTimeoutS ?? 300) * 1000;
    this.#closeTimeoutMs = (options.closeTimeoutS ?? 10) * 1000;
    this.#factoryTimeoutMs = options.factoryTimeoutS ? options.factoryTimeoutS * 1000 : null;
  }

  /** Sessions alive or being created, and the limit. */
  get capacity(): CapacityStatus {
    return { activeSessions: this.#sessions.size + this.#pending, maxSessions: this.#max };
  }

  /** Name of the factory, for `FACTORY_ERROR` messages. */
  get factoryName(): string {
    return this.#factory.name || "factory";
  }

  /**
   * Builds a new session.
   *
   * @throws {OpenEnvError} `CAPACITY_REACHED` when full, `FACTORY_ERROR` when
   * the factory throws, `SESSION_ERROR` after {@linkcode SessionManager.close}.
   */
  async create(kind: SessionKind): Promise<Session> {
    if (this.#closed) {
      throw new OpenEnvError(
        "SESSION_ERROR",
        "Server is shutting down. Cannot accept new sessions.",
      );
    }
    const { activeSessions, maxSessions } = this.capacity;
    if (activeSessions >= maxSessions) {
      throw new OpenEnvError(
        "CAPACITY_REACHED",
        `Server at capacity: ${activeSessions}/${maxSessions} sessions active. Cannot accept new connections.`,
        { details: { active_sessions: activeSessions, max_sessions: maxSessions } },
      );
    }
    this.#pending++;
    let env: Environment;
    try {
      env = await buildWithin(this.#factory, this.#factoryTimeoutMs, this.#closeTimeoutMs);
    } catch (cause) {
      throw new OpenEnvError(
        "FACTORY_ERROR",
        `Environment factory '${this.factoryName}' failed to create instance.`,
        { cause, details: { factory_name: this.factoryName } },
      );
    } finally {
      this.#pending--;
    }
    const now = Date.now();
    const session: Session = {
      id: crypto.randomUUID(),
      kind,
      env,
      createdAt: now,
      lastActivityAt: now,
      stepCount: 0,
      busy: 0,
      abort: new AbortController(),
    };
    if (this.#closed) {
      await closeEnvironment(env, this.#closeTimeoutMs);
      throw new OpenEnvError(
        "SESSION_ERROR",
        "Server is shutting down. Cannot accept new sessions.",
      );
    }
    this.#sessions.set(session.id, session);
    this.#startReaper();
    return session;
  }

  /** The session with this id, if it is alive. */
  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Ends a session: aborts its signal, frees its slot and closes its
   * environment. Returns false when no such session is alive.
   */
  async destroy(id: string): Promise<boolean> {
    const session = this.#sessions.get(id);
    if (!session) return false;
    this.#sessions.delete(id);
    session.abort.abort(new OpenEnvError("SESSION_ERROR", "Session closed"));
    if (this.#sessions.size === 0) this.#stopReaper();
    await closeEnvironment(session.env, this.#closeTimeoutMs);
    return true;
  }

  /** Ends every session whose idle time passed its limit. Returns how many. */
  async reapIdle(now: number = Date.now()): Promise<number> {
    const expired = [...this.#sessions.values()].filter((s) => {
      const limit = s.kind === "http" || s.kind === "mcp-http"
        ? Math.min(this.#timeoutMs ?? Infinity, this.#httpTimeoutMs)
        : this.#timeoutMs;
      return limit !== null && s.busy === 0 && now - s.lastActivityAt > limit;
    });
    for (const s of expired) {
      notifyEnd(s, "idle");
      await this.destroy(s.id);
    }
    return expired.length;
  }

  /** Ends every session and refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopReaper();
    const all = [...this.#sessions.values()];
    for (const s of all) notifyEnd(s, "shutdown");
    await Promise.all(all.map((s) => this.destroy(s.id)));
  }

  #startReaper(): void {
    if (this.#reaper !== undefined) return;
    const limits = [this.#timeoutMs ?? Infinity, this.#httpTimeoutMs];
    const every = Math.max(Math.min(...limits) / 4, 1000);
    const timer = setInterval(() => void this.reapIdle(), every);
    if (typeof Deno !== "undefined") Deno.unrefTimer(timer);
    this.#reaper = timer;
  }

  #stopReaper(): void {
    if (this.#reaper === undefined) return;
    clearInterval(this.#reaper);
    this.#reaper = undefined;
  }
}

/** Tells a session's owner it is ending; a throwing callback must not stop the reaper. */
function notifyEnd(session: Session, reason: "idle" | "shutdown"): void {
  try {
    session.onEnd?.(reason);
  } catch (error) {
    console.error("openenv: session end callback failed:", error);
  }
}
