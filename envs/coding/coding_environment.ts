/**
 * The coding environment: each step runs Python code in the session's own
 * sandboxed interpreter (see {@linkcode PythonSandbox}); variables and
 * definitions persist across steps until `reset`.
 *
 * @module
 */
import {
  Environment,
  type EnvironmentMetadata,
  type ResetOptions,
  type StepOptions,
} from "@openenv/core";
import {
  type CodingConfig,
  codingConfigFromEnv,
  type CodingConfigInput,
  resolveCodingConfig,
} from "./config.ts";
import type { CodeAction, CodeMetadata, CodeObservation, CodeState } from "./models.ts";
import type { PythonSandbox } from "./python_sandbox.ts";
import { computeCodingReward } from "./rewards.ts";
import { SandboxPool } from "./sandbox_pool.ts";

/** Options for {@linkcode CodingEnvironment}. */
export interface CodingEnvironmentOptions extends CodingConfigInput {
  /** Read `CODING_*` environment variables (explicit options win). @default {false} */
  fromEnv?: boolean;
  /** Pool to take interpreters from. @default {a pool shared by environments with the same limits} */
  pool?: SandboxPool;
}

interface SharedPool {
  pool: SandboxPool;
  users: number;
}

const sharedPools = new Map<string, SharedPool>();

function takeSharedPool(
  config: CodingConfig,
): { pool: SandboxPool; release: () => Promise<void> } {
  const key = JSON.stringify([
    config.memoryLimitMb,
    config.maxOutputBytes,
    config.prewarmSpares,
    config.snapshotPath,
    config.bubblewrap,
  ]);
  let entry = sharedPools.get(key);
  if (!entry) {
    entry = {
      pool: new SandboxPool({
        memoryLimitMb: config.memoryLimitMb,
        maxOutputBytes: config.maxOutputBytes,
        spares: config.prewarmSpares,
        snapshotPath: config.snapshotPath ?? undefined,
        bubblewrap: config.bubblewrap,
      }),
      users: 0,
    };
    sharedPools.set(key, entry);
  }
  entry.users++;
  const shared = entry;
  let released = false;
  return {
    pool: shared.pool,
    release: async () => {
      if (released) return;
      released = true;
      if (--shared.users === 0) {
        sharedPools.delete(key);
        await shared.pool.close();
      }
    },
  };
}

const READY_MESSAGE = "";

/**
 * Runs Python code, one step per action, in a sandboxed interpreter that
 * keeps its variables until `reset`.
 *
 * @example
 * ```ts ignore
 * import { CodingEnvironment } from "@openenv/coding";
 *
 * await using env = new CodingEnvironment({ timeoutS: 5 });
 * await env.reset({});
 * await env.step({ code: "x = 21", metadata: {} });
 * const obs = await env.step({ code: "print(x * 2)", metadata: {} });
 * console.log(obs.stdout, obs.reward); // "42\n" 0.1
 * ```
 */
export class CodingEnvironment extends Environment<CodeAction, CodeObservation, CodeState> {
  /** The effective configuration. */
  readonly config: CodingConfig;
  #pool: SandboxPool;
  #release: () => Promise<void>;
  #sandbox: Promise<PythonSandbox> | null = null;
  #state: CodeState = { episode_id: null, step_count: 0, last_exit_code: 0 };
  #closed = false;

  /** Creates the environment; the interpreter starts on the first `reset` or `step`. */
  constructor(options: CodingEnvironmentOptions = {}) {
    super();
    const { fromEnv = false, pool, ...input } = options;
    const env = fromEnv ? codingConfigFromEnv() : {};
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    this.config = resolveCodingConfig({ ...env, ...defined });
    if (pool) {
      this.#pool = pool;
      this.#release = () => Promise.resolve();
    } else {
      const shared = takeSharedPool(this.config);
      this.#pool = shared.pool;
      this.#release = shared.release;
    }
  }

  #discardSandbox(): void {
    const old = this.#sandbox;
    this.#sandbox = null;
    void old?.then((s) => s.close(), () => {});
  }

  #ensureSandbox(): Promise<PythonSandbox> {
    if (this.#closed) return Promise.reject(new Error("The coding environment is closed"));
    if (this.#sandbox === null) {
      const acquired = this.#pool.acquire();
      acquired.catch(() => {});
      this.#sandbox = acquired;
    }
    return this.#sandbox;
  }

  /** Starts a new episode with a fresh interpreter (no variables survive). */
  async reset(options: ResetOptions = {}): Promise<CodeObservation> {
    this.#discardSandbox();
    this.#state = {
      episode_id: options.episodeId ?? crypto.randomUUID(),
      step_count: 0,
      last_exit_code: 0,
    };
    const sandbox = this.#ensureSandbox();
    try {
      await sandbox;
    } catch (error) {
      this.#sandbox = null;
      throw error;
    }
    return {
      stdout: READY_MESSAGE,
      stderr: "",
      exit_code: 0,
      done: false,
      reward: 0,
      metadata: { error: null, timed_out: false, truncated: false, interpreter_lost: false },
    };
  }

  /** Runs the action's code and reports its output, exit code and reward. */
  async step(action: CodeAction, options: StepOptions = {}): Promise<CodeObservation> {
    if (typeof action?.code !== "string") {
      throw new TypeError(`Expected an action with a string 'code', got ${JSON.stringify(action)}`);
    }
    if (this.#state.episode_id === null) {
      this.#state.episode_id = crypto.randomUUID();
    }
    const sandbox = await this.#ensureSandbox().catch((error) => {
      this.#sandbox = null;
      throw error;
    });
    const limitS = typeof options.timeoutS === "number" && options.timeoutS > 0
      ? Math.min(options.timeoutS, this.config.timeoutS)
      : this.config.timeoutS;
    const result = await sandbox.run(action.code, {
      timeoutMs: limitS * 1000,
      signal: options.signal,
      language: action.language ?? "python",
    });
    if (result.interpreterLost || !sandbox.alive) {
      // Take a fresh interpreter now so the next step does not wait for it.
      this.#discardSandbox();
      if (!this.#closed) this.#ensureSandbox();
    }
    this.#state.step_count++;
    this.#state.last_exit_code = result.exitCode;
    const { reward, safetyViolation } = computeCodingReward(
      {
        code: action.code,
        syntaxOk: result.syntaxOk,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
      },
      this.config.rewards,
    );
    const metadata: CodeMetadata = {
      last_code: action.code,
      error: result.error,
      timed_out: result.timedOut,
      truncated: result.truncated,
      interpreter_lost: result.interpreterLost,
    };
    if (safetyViolation !== null) metadata.safety_violation = safetyViolation;
    return {
      stdout: result.stdout,
      stderr: result.stderr,
      exit_code: result.exitCode,
      done: this.config.maxSteps !== null && this.#state.step_count >= this.config.maxSteps,
      reward,
      metadata,
    };
  }

  /** Episode id, step count and the last exit code. */
  get state(): CodeState {
    return { ...this.#state };
  }

  /** Name, description and version. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "coding_env",
      description:
        "Runs Python code in a sandboxed Pyodide interpreter; variables persist across steps until reset.",
      version: "0.1.0",
    };
  }

  /** Kills the interpreter. */
  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sandbox = this.#sandbox;
    this.#sandbox = null;
    try {
      await (await sandbox)?.close();
    } catch {
      // never started
    }
    await this.#release();
  }
}
