/**
 * Internal: a server under test running in a child process.
 *
 * @module
 */

/** A server process that printed `PORT <n>` and is listening. */
export interface ServerProcess {
  /** What runs, for messages. */
  readonly name: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly wsUrl: string;
  /** The child's process id. */
  readonly pid: number;
  /** Resident set size of the child, in bytes (Linux /proc). */
  rss(): Promise<number>;
  /** CPU time (user + system) the child used so far, in seconds (Linux /proc). */
  cpuSeconds(): Promise<number>;
  /** Stops the child (SIGTERM, then SIGKILL after 3 s). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@linkcode startServerProcess}. */
export interface StartOptions {
  /** Name for messages. */
  name: string;
  /** Program to run. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Give up when no `PORT` line came within this many ms. @default {60000} */
  timeoutMs?: number;
  /** Run under `nice -n <nice>` (negative raises the priority; needs root). @default {0} */
  nice?: number;
}

/**
 * Sets the scheduling priority of this process's main thread (the event
 * loop) with `renice`. Returns false when not permitted (not root).
 */
export async function reniceSelf(nice: number): Promise<boolean> {
  try {
    const out = await new Deno.Command("renice", {
      args: ["-n", String(nice), "-p", String(Deno.pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
const CLOCK_TICKS = 100;

/** Root of the repository. */
export const ROOT: string = new URL("../", import.meta.url).pathname;

// Children alive right now: killed if the benchmark is interrupted (Ctrl-C,
// SIGTERM), since `await using` does not run then.
const alive = new Set<Deno.ChildProcess>();
const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];
const onSignal = (): void => {
  for (const child of alive) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }
  Deno.exit(130);
};

function track(child: Deno.ChildProcess): () => void {
  if (alive.size === 0) { for (const s of SIGNALS) Deno.addSignalListener(s, onSignal); }
  alive.add(child);
  return () => {
    if (alive.delete(child) && alive.size === 0) {
      for (const s of SIGNALS) Deno.removeSignalListener(s, onSignal);
    }
  };
}

/** Starts a server and waits for its `PORT <n>` line. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const niced = options.nice ? ["nice", "-n", String(options.nice)] : [];
  const child = new Deno.Command(niced[0] ?? options.command, {
    args: niced.length ? [...niced.slice(1), options.command, ...options.args] : options.args,
    cwd: options.cwd ?? ROOT,
    env: { NO_PROXY: "127.0.0.1,localhost", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const untrack = track(child);
  const stderrChunks: string[] = [];
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (c) => void stderrChunks.push(c) }),
  ).catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let port: number | undefined;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, options.timeoutMs ?? 60_000);
  while (port === undefined) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    port = Number(buffered.match(/^PORT (\d+)$/m)?.[1]) || undefined;
  }
  clearTimeout(timer);
  // Keep draining stdout so the child never blocks on a full pipe.
  const stdoutDone = (async () => {
    try {
      // $BENCH_SERVER_OUTPUT=1 shows what the server prints (for --trace-gc and the like).
      const show = Deno.env.get("BENCH_SERVER_OUTPUT") === "1";
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (show) Deno.stderr.writeSync(new TextEncoder().encode(r.value));
      }
    } catch { /* closed */ }
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const kill = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 3000);
    await child.status;
    clearTimeout(kill);
    untrack();
    await Promise.all([stdoutDone, stderrDone]);
  };
  if (port === undefined) {
    await stop();
    throw new Error(
      `Server "${options.name}" exited before printing its port.\n--- stderr ---\n${
        stderrChunks.join("")
      }`,
    );
  }
  const url = `http://127.0.0.1:${port}`;
  // The port is announced before the server may accept: wait for any answer.
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })).body?.cancel();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `Server "${options.name}" announced port ${port} but never answered: ${error}\n` +
            `--- stderr ---\n${stderrChunks.join("")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name: options.name,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid: child.pid,
    rss: async () => {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      return Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1] ?? NaN) * 1024;
    },
    cpuSeconds: async () => {
      const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`);
      // Fields after the ")" that ends the command name: utime is 14th, stime 15th overall.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    [Symbol.asyncDispose]: stop,
  };
}

/** Starts one of the Deno servers of `_servers.ts` (`ours` or `raw`). */
export function startDenoServer(
  kind: "ours" | "raw",
  extraArgs: string[] = [],
  options: { nice?: number } = {},
): Promise<ServerProcess> {
  return startServerProcess({
    ...options,
    name: kind,
    command: Deno.execPath(),
    // $BENCH_SERVER_FLAGS adds Deno flags to the server, e.g. "--v8-flags=--trace-gc" or "--cpu-prof".
    args: [
      "run",
      "-A",
      ...(Deno.env.get("BENCH_SERVER_FLAGS")?.split(" ").filter(Boolean) ?? []),
      `${ROOT}bench/_servers.ts`,
      kind,
      ...extraArgs,
    ],
  });
}

/** The venv of the official Python OpenEnv used as the reference. */
export const REFERENCE_VENV: string = `${ROOT}.cache/interop/openenv-core-0.3.0`;

/**
 * Starts the official Python OpenEnv echo server (`bench/py/echo_server.py`,
 * uvicorn, one worker), installing the venv first when it is missing.
 */
export async function startReferenceServer(
  extraArgs: string[] = [],
  options: { nice?: number } = {},
): Promise<ServerProcess> {
  try {
    await Deno.stat(`${REFERENCE_VENV}/bin/python`);
  } catch {
    const setup = await new Deno.Command("bash", {
      args: [`${ROOT}tests/interop/setup.sh`],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!setup.success) {
      throw new Error(
        `Cannot install the official Python OpenEnv: "bash tests/interop/setup.sh" failed`,
      );
    }
  }
  return startServerProcess({
    ...options,
    name: "reference",
    command: `${REFERENCE_VENV}/bin/python`,
    args: [`${ROOT}bench/py/echo_server.py`, ...extraArgs],
    cwd: `${ROOT}bench/py`,
    env: { PYTHONDONTWRITEBYTECODE: "1" },
  });
}
