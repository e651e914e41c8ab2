/**
 * A pool of started {@linkcode PythonSandbox}es, so a reset or a restart
 * after a timeout takes a warm interpreter instead of waiting for one.
 *
 * @module
 */
import { PythonSandbox, type PythonSandboxOptions } from "./python_sandbox.ts";

/** Options for {@linkcode SandboxPool}. */
export interface SandboxPoolOptions extends PythonSandboxOptions {
  /** Started sandboxes kept waiting; 0 starts each one on demand. @default {1} */
  spares?: number;
}

/**
 * Hands out fresh sandboxes and keeps `spares` of them started ahead of
 * time. Each sandbox is handed out once; the caller closes it.
 *
 * @example
 * ```ts ignore
 * import { SandboxPool } from "@openenv/coding";
 *
 * await using pool = new SandboxPool({ spares: 1 });
 * await using py = await pool.acquire();
 * console.log((await py.run("print(1 + 1)")).stdout); // "2\n"
 * ```
 */
export class SandboxPool implements AsyncDisposable {
  #options: PythonSandboxOptions;
  #spares: number;
  #waiting: Promise<PythonSandbox>[] = [];
  #closed = false;

  /** Creates a pool; nothing starts until the first {@linkcode SandboxPool.acquire}. */
  constructor(options: SandboxPoolOptions = {}) {
    const { spares = 1, ...rest } = options;
    this.#options = rest;
    this.#spares = spares;
  }

  /** Number of sandboxes started ahead of time and not yet handed out. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #startOne(): Promise<PythonSandbox> {
    const started = PythonSandbox.start(this.#options);
    started.catch(() => {}); // reported to whoever takes it
    return started;
  }

  #refill(): void {
    while (!this.#closed && this.#waiting.length < this.#spares) {
      this.#waiting.push(this.#startOne());
    }
  }

  /**
   * A started sandbox that nobody else holds.
   *
   * @throws {Error} When the pool is closed or the sandbox cannot start.
   */
  async acquire(): Promise<PythonSandbox> {
    if (this.#closed) throw new Error("The sandbox pool is closed");
    const next = this.#waiting.shift() ?? this.#startOne();
    this.#refill();
    let sandbox: PythonSandbox;
    try {
      sandbox = await next;
    } catch {
      // A spare that failed (for example killed from outside): try once more.
      sandbox = await this.#startOne();
    }
    if (!sandbox.alive) return await this.#startOne();
    return sandbox;
  }

  /** Kills the waiting sandboxes; sandboxes already handed out stay with their holders. */
  async close(): Promise<void> {
    this.#closed = true;
    const waiting = this.#waiting.splice(0);
    await Promise.all(waiting.map(async (p) => {
      try {
        await (await p).close();
      } catch {
        // never started
      }
    }));
  }

  /** Same as {@linkcode SandboxPool.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
