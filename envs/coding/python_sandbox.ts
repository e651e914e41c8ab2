/**
 * A Python interpreter (Pyodide) in a locked-down Deno subprocess.
 *
 * The subprocess runs with no permission except reading the Pyodide package
 * directory: no file system, no network, no subprocesses, no environment
 * variables, no FFI. Its wasm memory and JavaScript heap are capped by V8
 * flags, and the host watches its resident memory. A run that overstays its
 * time limit is interrupted inside the subprocess (a `KeyboardInterrupt`;
 * variables survive) and, if it does not stop, killed with SIGKILL. Startup uses a Pyodide memory snapshot made once per host
 * process, which brings a start from seconds to about one second.
 *
 * @module
 */
import { encodeFrame, encodeJsonFrame, type Frame, KIND_BINARY, readFrames } from "./_framing.ts";
import { sandboxWorkerMain } from "./_sandbox_worker.ts";

/** Options for {@linkcode PythonSandbox.start}. */
export interface PythonSandboxOptions {
  /** Cap on the interpreter's wasm memory, in MiB. @default {512} */
  memoryLimitMb?: number;
  /** Cap on the subprocess's JavaScript heap, in MiB. @default {256} */
  heapLimitMb?: number;
  /** Output kept per run (stdout and stderr together), in bytes; the rest is dropped. @default {50000} */
  maxOutputBytes?: number;
  /** Deno executable for the subprocess. @default {Deno.execPath(), or `deno` when only that name may run} */
  denoPath?: string;
  /** Directory of the `pyodide` npm package. @default {resolved from the import map} */
  pyodideDir?: string;
  /** Use (and make once per process) a memory snapshot to start faster. @default {true} */
  snapshot?: boolean;
  /**
   * File that keeps the snapshot across processes: read when it exists,
   * written after the snapshot is made (a container image can make it at
   * build time). @default {none: the snapshot lives in memory only}
   */
  snapshotPath?: string;
  /** Time allowed for the interpreter to start, in milliseconds. @default {120000} */
  startTimeoutMs?: number;
  /**
   * Also run the subprocess under bubblewrap (`bwrap`): new network, PID,
   * IPC and UTS namespaces and a read-only root, a second wall behind Deno's
   * permissions. `"auto"` uses it when `bwrap` is installed, may be run and
   * works; `true` requires it. @default {"auto"}
   */
  bubblewrap?: boolean | "auto";
}

/** Options for {@linkcode PythonSandbox.run}. */
export interface RunOptions {
  /** Wall-clock limit for this run, in milliseconds. @default {10000} */
  timeoutMs?: number;
  /** Aborting kills the run like a timeout. */
  signal?: AbortSignal;
  /**
   * `python` (Pyodide), or `javascript`: run as a classic script in the same
   * subprocess (top-level `let`, `const`, functions persist across runs;
   * `console` prints; a returned promise is awaited), or `typescript`: its
   * types stripped on the host (npm `sucrase`, loaded on first use, no type
   * checking), then run as JavaScript. @default {"python"}
   */
  language?: "python" | "javascript" | "typescript";
}

/** What one run produced. */
export interface RunResult {
  /** Captured standard output (with the value of a trailing expression, like a REPL). */
  stdout: string;
  /** Captured standard error, including the traceback of an uncaught exception. */
  stderr: string;
  /**
   * 0 on success, 1 on an uncaught exception, the code of `SystemExit`, 124
   * on a timeout, 137 when the memory watchdog stopped the interpreter.
   */
  exitCode: number;
  /** One line naming the error (`"ZeroDivisionError: division by zero"`), or `null`. */
  error: string | null;
  /** The run hit its time limit (interrupted, or killed if it would not stop: see `interpreterLost`). */
  timedOut: boolean;
  /** Output went past `maxOutputBytes` and was cut. */
  truncated: boolean;
  /** The code parsed (false for a `SyntaxError` before anything ran). */
  syntaxOk: boolean;
  /** The interpreter is gone (timeout, memory, crash): its variables are lost. */
  interpreterLost: boolean;
}

const DEFAULTS = {
  memoryLimitMb: 512,
  heapLimitMb: 256,
  maxOutputBytes: 50_000,
  snapshot: true,
  startTimeoutMs: 120_000,
  bubblewrap: "auto" as boolean | "auto",
};

/**
 * Extra time a run gets to stop after its interrupt before it is killed, in
 * milliseconds: half the limit, from 2 s to 10 s (generous, so a loaded
 * machine does not turn an interrupt into a kill).
 */
function hardKillGraceMs(timeoutMs: number): number {
  return Math.min(10_000, Math.max(2_000, timeoutMs / 2));
}

/** Exit code reported for a run that hit its time limit (as coreutils `timeout`). */
export const EXIT_TIMEOUT = 124;
/** Exit code reported when the memory watchdog stopped the interpreter (128 + SIGKILL). */
export const EXIT_MEMORY = 137;

let pyodideDirPromise: Promise<string> | undefined;

/**
 * Finds the directory of the `pyodide` npm package: `$CODING_PYODIDE_DIR`
 * when set, else where the import map resolves it (downloading it into the
 * Deno cache on first use).
 *
 * @example
 * ```ts ignore
 * import { resolvePyodideDir } from "@openenv/coding";
 *
 * console.log(await resolvePyodideDir()); // .../pyodide/314.0.7/
 * ```
 */
export function resolvePyodideDir(): Promise<string> {
  return pyodideDirPromise ??= (async () => {
    const configured = envVar("CODING_PYODIDE_DIR");
    if (configured) return configured.endsWith("/") ? configured : `${configured}/`;
    let url: URL | undefined;
    try {
      await import("pyodide");
      url = new URL(".", import.meta.resolve("pyodide"));
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "file:") {
      throw new Error(
        "Could not find the pyodide package on disk (a bundled server cannot resolve it): " +
          "set CODING_PYODIDE_DIR to the directory of the npm package 'pyodide' or pass pyodideDir",
      );
    }
    return decodeURIComponent(url.pathname);
  })();
}

/**
 * The deno binary to start interpreters with: this process's own binary when
 * it may run it, else `deno` from `PATH` when only that name is granted (as
 * with `--allow-run=deno`, which the process provider grants).
 */
function defaultDenoPath(): string {
  const exec = Deno.execPath();
  try {
    if (Deno.permissions.querySync({ name: "run", command: exec }).state === "granted") return exec;
    if (Deno.permissions.querySync({ name: "run", command: "deno" }).state === "granted") {
      return "deno";
    }
  } catch {
    // permission API unavailable: try our own binary
  }
  return exec;
}

function envVar(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

let workerUrl: string | undefined;

/** The worker program as a `data:` URL: no file to find, bundled or not. */
function workerSpecifier(): string {
  if (workerUrl === undefined) {
    const source = `(${sandboxWorkerMain.toString()})();\n`;
    const bytes = new TextEncoder().encode(source);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    workerUrl = `data:application/javascript;base64,${btoa(binary)}`;
  }
  return workerUrl;
}

function spawnWorker(
  options: Required<Omit<PythonSandboxOptions, "pyodideDir" | "denoPath" | "snapshotPath">> & {
    pyodideDir: string;
    denoPath: string;
    worker: string;
    useBubblewrap: boolean;
  },
): Deno.ChildProcess {
  const pages = Math.max(1, Math.floor(options.memoryLimitMb * 16)); // 64 KiB wasm pages
  const env: Record<string, string> = { NO_COLOR: "1" };
  const denoDir = envVar("DENO_DIR");
  const home = envVar("HOME");
  const path = envVar("PATH");
  if (path && options.denoPath === "deno") env.PATH = path;
  if (denoDir) env.DENO_DIR = denoDir;
  if (home) env.HOME = home;
  const denoArgs = [
    "run",
    "--quiet",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--no-prompt",
    `--allow-read=${options.pyodideDir}`,
    "--deny-write",
    "--deny-net",
    "--deny-run",
    "--deny-env",
    "--deny-ffi",
    "--deny-sys",
    `--v8-flags=--max-old-space-size=${options.heapLimitMb},--wasm-max-mem-pages=${pages}`,
    options.worker,
  ];
  const [command, args] = options.useBubblewrap
    ? ["bwrap", [...BWRAP_ARGS, "--", options.denoPath, ...denoArgs]]
    : [options.denoPath, denoArgs];
  return new Deno.Command(command, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env,
  }).spawn();
}

/** bubblewrap's flags: read-only root, fresh /dev and /proc, every namespace new. */
const BWRAP_ARGS = [
  "--ro-bind",
  "/",
  "/",
  "--dev",
  "/dev",
  "--proc",
  "/proc",
  "--unshare-all",
  "--die-with-parent",
  "--new-session",
];

let bubblewrapProbe: Promise<boolean> | undefined;

/**
 * Whether `bwrap` is installed, may be run, and works here (checked once per
 * process).
 *
 * @example
 * ```ts ignore
 * import { bubblewrapAvailable } from "@openenv/coding";
 *
 * console.log(await bubblewrapAvailable()); // true where apt's bubblewrap is installed
 * ```
 */
export function bubblewrapAvailable(): Promise<boolean> {
  return bubblewrapProbe ??= (async () => {
    try {
      if (Deno.permissions.querySync({ name: "run", command: "bwrap" }).state !== "granted") {
        return false;
      }
      const out = await new Deno.Command("bwrap", {
        args: [...BWRAP_ARGS, "--", "true"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output();
      return out.success;
    } catch {
      return false;
    }
  })();
}

async function resolveBubblewrap(setting: boolean | "auto"): Promise<boolean> {
  if (setting === false) return false;
  const available = await bubblewrapAvailable();
  if (setting === true && !available) {
    throw new Error(
      "bubblewrap was required but 'bwrap' is missing, may not be run (--allow-run=bwrap) or " +
        "does not work here: install it (apt-get install bubblewrap) or set bubblewrap to 'auto'",
    );
  }
  return available;
}

const snapshots = new Map<string, Promise<Uint8Array | null>>();

async function makeSnapshot(pyodideDir: string, denoPath: string, worker: string) {
  const child = spawnWorker({
    ...DEFAULTS,
    memoryLimitMb: 1024,
    heapLimitMb: 512,
    pyodideDir,
    denoPath,
    worker,
    useBubblewrap: false,
  });
  const timer = setTimeout(() => safeKill(child), DEFAULTS.startTimeoutMs);
  void child.stderr.cancel().catch(() => {});
  try {
    const writer = child.stdin.getWriter();
    await writer.write(encodeJsonFrame({
      key: "snapshot",
      pyodideDir,
      mode: "make-snapshot",
      snapshot: false,
      maxOutputBytes: 0,
    }));
    await writer.close();
    for await (const frame of readFrames(child.stdout)) {
      if (frame.kind === KIND_BINARY) return frame.payload;
    }
    return null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    safeKill(child);
    await child.status;
  }
}

async function loadOrMakeSnapshot(
  pyodideDir: string,
  denoPath: string,
  worker: string,
  path: string | undefined,
): Promise<Uint8Array | null> {
  if (path) {
    try {
      return await Deno.readFile(path);
    } catch {
      // not made yet (or unreadable): make it below
    }
  }
  const snapshot = await makeSnapshot(pyodideDir, denoPath, worker);
  if (path && snapshot) {
    try {
      await Deno.writeFile(path, snapshot);
    } catch {
      // read-only location: keep it in memory
    }
  }
  return snapshot;
}

function safeKill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
}

function readRssMb(pid: number, depth = 0): number | null {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    let total = match ? Number(match[1]) / 1024 : 0;
    // Under bubblewrap the interpreter is a descendant: count the whole tree.
    if (depth < 4) {
      let children: string[] = [];
      try {
        children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/);
      } catch {
        children = [];
      }
      for (const child of children) if (child) total += readRssMb(Number(child), depth + 1) ?? 0;
    }
    return total;
  } catch {
    return null;
  }
}

interface Outcome {
  timedOut: boolean;
  exitCode: number;
  error: string | null;
  truncated: boolean;
  syntaxOk: boolean;
}

interface Pending {
  stdout: string[];
  stderr: string[];
  outChars: number;
  resolve: (value: Outcome) => void;
  reject: (reason: Error) => void;
}

/**
 * A Python interpreter in its own locked-down subprocess. Variables persist
 * from one {@linkcode PythonSandbox.run} to the next until the sandbox is
 * closed or lost (timeout, memory, crash: see {@linkcode RunResult.interpreterLost}).
 *
 * @example Run code and keep its variables
 * ```ts ignore
 * import { PythonSandbox } from "@openenv/coding";
 *
 * await using py = await PythonSandbox.start();
 * await py.run("x = 6 * 7");
 * const result = await py.run("print(x)");
 * console.log(result.stdout); // "42\n"
 * ```
 */
export class PythonSandbox implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #key: string;
  #options: Required<Omit<PythonSandboxOptions, "pyodideDir" | "denoPath" | "snapshotPath">>;
  #pending: Pending | null = null;
  #alive = true;
  #exit: Promise<Deno.CommandStatus>;
  #stderrTail = "";
  #ready: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  #bubblewrapped = false;

  private constructor(
    child: Deno.ChildProcess,
    key: string,
    options: Required<Omit<PythonSandboxOptions, "pyodideDir" | "denoPath" | "snapshotPath">>,
  ) {
    this.#child = child;
    this.#key = key;
    this.#options = options;
    this.#writer = child.stdin.getWriter();
    this.#exit = child.status;
    void this.#drainStderr();
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.#ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.#ready.catch(() => {}); // observed by start(); later deaths surface through run()
    void this.#readLoop(readyResolve, readyReject);
  }

  /**
   * Starts a sandbox and waits until the interpreter is ready.
   *
   * @throws {Error} When the interpreter cannot start in `startTimeoutMs`.
   */
  static async start(options: PythonSandboxOptions = {}): Promise<PythonSandbox> {
    const resolved = { ...DEFAULTS, ...dropUndefined(options) };
    const { pyodideDir: _p, denoPath: _d, snapshotPath: _s, ...rest } = resolved as
      & typeof resolved
      & { pyodideDir?: string; denoPath?: string; snapshotPath?: string };
    const pyodideDir = options.pyodideDir ?? await resolvePyodideDir();
    const denoPath = options.denoPath ?? defaultDenoPath();
    const worker = workerSpecifier();
    let snapshot: Uint8Array | null = null;
    let snapshotPromise: Promise<Uint8Array | null> | undefined;
    if (resolved.snapshot) {
      const cacheKey = `${denoPath}\n${pyodideDir}\n${options.snapshotPath ?? ""}`;
      snapshotPromise = snapshots.get(cacheKey);
      if (!snapshotPromise) {
        snapshotPromise = loadOrMakeSnapshot(pyodideDir, denoPath, worker, options.snapshotPath);
        snapshots.set(cacheKey, snapshotPromise);
      }
      snapshot = await snapshotPromise;
    }
    const useBubblewrap = await resolveBubblewrap(rest.bubblewrap);
    const launch = { ...rest, pyodideDir, denoPath, worker, useBubblewrap };
    if (snapshot === null) return await PythonSandbox.#launch(launch, null);
    try {
      return await PythonSandbox.#launch(launch, snapshot);
    } catch {
      // A snapshot that does not load (a file from another Pyodide version,
      // say) must not stop the sandbox: start cold and forget it.
      for (const [key, value] of snapshots) if (value === snapshotPromise) snapshots.delete(key);
      return await PythonSandbox.#launch(launch, null);
    }
  }

  static async #launch(
    launch: Required<Omit<PythonSandboxOptions, "pyodideDir" | "denoPath" | "snapshotPath">> & {
      pyodideDir: string;
      denoPath: string;
      worker: string;
      useBubblewrap: boolean;
    },
    snapshot: Uint8Array | null,
  ): Promise<PythonSandbox> {
    const { pyodideDir, denoPath: _d, worker: _w, useBubblewrap, ...rest } = launch;
    const child = spawnWorker(launch);
    const key = crypto.randomUUID();
    const sandbox = new PythonSandbox(child, key, rest);
    sandbox.#bubblewrapped = useBubblewrap;
    const init = encodeJsonFrame({
      key,
      pyodideDir,
      mode: "run",
      snapshot: snapshot !== null,
      maxOutputBytes: rest.maxOutputBytes,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await sandbox.#writer.write(init);
      if (snapshot !== null) await sandbox.#writer.write(encodeFrame(KIND_BINARY, snapshot));
      await Promise.race([
        sandbox.#ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`The Python sandbox did not start within ${rest.startTimeoutMs} ms`),
              ),
            rest.startTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await sandbox.close();
      throw new Error(
        `Could not start the Python sandbox: ${(error as Error).message}${
          sandbox.#stderrTail ? `\n${sandbox.#stderrTail}` : ""
        }`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    return sandbox;
  }

  /** Whether the interpreter is still running (false after a timeout, memory kill, crash or close). */
  get alive(): boolean {
    return this.#alive;
  }

  /** Whether the subprocess runs under bubblewrap (see {@linkcode PythonSandboxOptions.bubblewrap}). */
  get bubblewrapped(): boolean {
    return this.#bubblewrapped;
  }

  /** Process id of the subprocess (of `bwrap` when bubblewrapped). */
  get pid(): number {
    return this.#child.pid;
  }

  async #drainStderr(): Promise<void> {
    try {
      for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderrTail = (this.#stderrTail + chunk).slice(-4000);
      }
    } catch {
      // process gone
    }
  }

  async #readLoop(ready: () => void, notReady: (e: Error) => void): Promise<void> {
    let violation: string | null = null;
    try {
      for await (const frame of readFrames(this.#child.stdout)) {
        const message = this.#decode(frame);
        if (message === null) {
          violation = "a malformed or forged frame on the sandbox's output channel";
          break;
        }
        const t = message.t;
        if (t === "ready") ready();
        else if (t === "out" || t === "err") this.#append(t, String(message.s ?? ""));
        else if (t === "done") {
          const pending = this.#pending;
          this.#pending = null;
          pending?.resolve({
            exitCode: Number(message.exit_code),
            error: typeof message.error === "string" ? message.error : null,
            truncated: message.truncated === true,
            syntaxOk: message.parsed !== false,
            timedOut: message.timed_out === true,
          });
        } else if (t === "fatal") {
          violation = `a fatal interpreter error: ${String(message.error)}`;
          break;
        } else {
          violation = `an unknown message type '${String(t)}'`;
          break;
        }
      }
    } catch (error) {
      violation = (error as Error).message;
    }
    this.#alive = false;
    safeKill(this.#child);
    const status = await this.#exit;
    const reason = violation ??
      `the interpreter process exited (code ${status.code}${
        status.signal ? `, signal ${status.signal}` : ""
      })`;
    notReady(new Error(reason));
    this.#pending?.reject(new Error(reason));
    this.#pending = null;
  }

  #decode(frame: Frame): Record<string, unknown> | null {
    if (frame.kind !== 0) return null;
    try {
      const message = JSON.parse(new TextDecoder().decode(frame.payload));
      if (message === null || typeof message !== "object" || message.k !== this.#key) return null;
      return message;
    } catch {
      return null;
    }
  }

  #append(stream: "out" | "err", text: string): void {
    const pending = this.#pending;
    if (!pending) return;
    // The worker enforces the cap; the host enforces it again in case the
    // worker was subverted.
    const room = this.#options.maxOutputBytes * 2 - pending.outChars;
    if (room <= 0) return;
    const kept = text.slice(0, room);
    pending.outChars += kept.length;
    (stream === "out" ? pending.stdout : pending.stderr).push(kept);
  }

  /**
   * Runs Python code in the interpreter. Never throws for anything the code
   * does: errors, timeouts, memory exhaustion and crashes come back as a
   * {@linkcode RunResult}. Runs are queued, one at a time.
   *
   * @throws {Error} When the sandbox was already lost or closed.
   */
  run(code: string, options: RunOptions = {}): Promise<RunResult> {
    const next = this.#queue.then(() => this.#run(code, options));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #run(code: string, options: RunOptions): Promise<RunResult> {
    if (!this.#alive) {
      throw new Error("The Python sandbox is no longer running: start a new one");
    }
    let language = options.language ?? "python";
    if (language === "typescript") {
      const stripped = await stripTypes(code);
      if (!stripped.ok) {
        return {
          stdout: "",
          stderr: `${stripped.error}\n`,
          exitCode: 1,
          error: stripped.error,
          timedOut: false,
          truncated: false,
          syntaxOk: false,
          interpreterLost: false,
        };
      }
      code = stripped.code;
      language = "javascript";
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    const pending: Pending = {
      stdout: [],
      stderr: [],
      outChars: 0,
      resolve: () => {},
      reject: () => {},
    };
    const done = new Promise<Outcome>(
      (resolve, reject) => {
        pending.resolve = resolve;
        pending.reject = reject;
      },
    );
    this.#pending = pending;
    let stopReason: "timeout" | "memory" | "aborted" | null = null;
    const stop = (reason: "timeout" | "memory" | "aborted") => {
      stopReason ??= reason;
      safeKill(this.#child);
    };
    // The worker interrupts Python at `timeoutMs` (variables kept); a run that
    // ignores the interrupt is killed a little later.
    const timer = setTimeout(() => stop("timeout"), timeoutMs + hardKillGraceMs(timeoutMs));
    const rssLimitMb = this.#options.memoryLimitMb + this.#options.heapLimitMb + 384;
    const watchdog = setInterval(() => {
      const rss = readRssMb(this.#child.pid);
      if (rss !== null && rss > rssLimitMb) stop("memory");
    }, 100);
    const onAbort = () => stop("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) stop("aborted");
    try {
      await this.#writer.write(
        encodeJsonFrame({ code, timeoutMs, language }),
      );
      const outcome = await done;
      if (outcome.timedOut) {
        const error = `TimeoutError: execution exceeded ${
          timeoutMs / 1000
        } s and was interrupted; the interpreter and its variables are kept`;
        const stderr = pending.stderr.join("");
        return {
          stdout: pending.stdout.join("") +
            (outcome.truncated ? truncationNote(this.#options) : ""),
          stderr: stderr + (stderr && !stderr.endsWith("\n") ? "\n" : "") + error + "\n",
          exitCode: EXIT_TIMEOUT,
          error,
          timedOut: true,
          truncated: outcome.truncated,
          syntaxOk: true,
          interpreterLost: false,
        };
      }
      return {
        stdout: pending.stdout.join("") + (outcome.truncated ? truncationNote(this.#options) : ""),
        stderr: pending.stderr.join(""),
        exitCode: outcome.exitCode,
        error: outcome.error,
        timedOut: false,
        truncated: outcome.truncated,
        syntaxOk: outcome.syntaxOk,
        interpreterLost: false,
      };
    } catch (error) {
      this.#alive = false;
      safeKill(this.#child);
      await this.#exit;
      const stdout = pending.stdout.join("");
      const stderr = pending.stderr.join("");
      const lost = "the interpreter was restarted, so variables from earlier steps are gone";
      if (stopReason === "timeout") {
        return lostResult(
          stdout,
          stderr,
          EXIT_TIMEOUT,
          `TimeoutError: execution exceeded ${
            timeoutMs / 1000
          } s and did not stop when interrupted, so it was killed; ${lost}`,
          true,
        );
      }
      if (stopReason === "memory") {
        return lostResult(
          stdout,
          stderr,
          EXIT_MEMORY,
          `MemoryError: the interpreter used more than ${rssLimitMb} MB and was stopped; ${lost}`,
          false,
        );
      }
      if (stopReason === "aborted") {
        return lostResult(
          stdout,
          stderr,
          EXIT_TIMEOUT,
          `CancelledError: the run was cancelled; ${lost}`,
          false,
        );
      }
      const status = await this.#exit;
      const oom = /out of memory|heap limit|OOM/i.test(this.#stderrTail);
      return lostResult(
        stdout,
        stderr,
        oom ? EXIT_MEMORY : 1,
        oom
          ? `MemoryError: the interpreter ran out of memory and was stopped; ${lost}`
          : `SandboxError: ${(error as Error).message} (exit code ${status.code}); ${lost}`,
        false,
      );
    } finally {
      clearTimeout(timer);
      clearInterval(watchdog);
      options.signal?.removeEventListener("abort", onAbort);
      this.#pending = null;
    }
  }

  /** Kills the subprocess and waits for it to exit. Safe to call twice. */
  async close(): Promise<void> {
    this.#alive = false;
    safeKill(this.#child);
    try {
      await this.#writer.close();
    } catch {
      // pipe already closed
    }
    await this.#exit;
  }

  /** Same as {@linkcode PythonSandbox.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

type Sucrase = typeof import("sucrase");
let sucrase: Promise<Sucrase> | undefined;

/** TypeScript to JavaScript by stripping types (line numbers kept); a parse error is reported, not thrown. */
async function stripTypes(
  code: string,
): Promise<{ ok: true; code: string } | { ok: false; error: string }> {
  try {
    const loading: Promise<Sucrase> = sucrase ??= import("sucrase");
    const { transform } = await loading;
    return {
      ok: true,
      code: transform(code, { transforms: ["typescript"], disableESTransforms: true }).code,
    };
  } catch (error) {
    sucrase = undefined;
    const message = (error as Error).message ?? String(error);
    return {
      ok: false,
      error: /Cannot find|Could not|not found/i.test(message) && !/\(\d+:\d+\)/.test(message)
        ? `Error: TypeScript support is unavailable (npm package 'sucrase'): ${message}`
        : `SyntaxError: ${message}`,
    };
  }
}

function truncationNote(options: { maxOutputBytes: number }): string {
  return `\n[output truncated: only the first ${options.maxOutputBytes} bytes are kept]\n`;
}

function lostResult(
  stdout: string,
  stderr: string,
  exitCode: number,
  error: string,
  timedOut: boolean,
): RunResult {
  return {
    stdout,
    stderr: stderr + (stderr && !stderr.endsWith("\n") ? "\n" : "") + error + "\n",
    exitCode,
    error,
    timedOut,
    truncated: false,
    syntaxOk: true,
    interpreterLost: true,
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<
    T
  >;
}
