/**
 * The program that runs inside the sandbox subprocess (internal).
 *
 * The host starts it with `deno run --no-config --no-remote --no-npm
 * --no-prompt --allow-read=<pyodide dir>` and V8 memory flags, so it cannot
 * write files, reach the network, spawn processes or read environment
 * variables. It talks to the host over stdin and stdout with length-prefixed
 * frames (see `_framing.ts`). {@linkcode sandboxWorkerMain} must stay
 * self-contained (no imports, no references outside it): only its source text
 * reaches the subprocess.
 *
 * Every frame it sends carries a key only the host and this closure know, so
 * code that writes to stdout another way cannot forge a result: the host
 * treats any malformed frame as a protocol violation and kills the process.
 *
 * @module
 */

// deno-lint-ignore-file no-explicit-any

/**
 * The worker's whole program, as one self-contained function: the host
 * passes its source text to the subprocess as a `data:` URL, so the worker
 * needs no file (this also works when the server is bundled).
 */
export async function sandboxWorkerMain(): Promise<void> {
  const KIND_JSON = 0;
  const KIND_BINARY = 1;

  const stdinReader = Deno.stdin.readable.getReader();
  const stdout = Deno.stdout;
  const exit = Deno.exit;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const chunks: Uint8Array[] = [];
  let buffered = 0;

  async function readExactly(n: number): Promise<Uint8Array | null> {
    while (buffered < n) {
      const { value, done } = await stdinReader.read();
      if (done) return null;
      chunks.push(value);
      buffered += value.length;
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const head = chunks[0];
      const need = n - offset;
      if (head.length <= need) {
        out.set(head, offset);
        offset += head.length;
        chunks.shift();
      } else {
        out.set(head.subarray(0, need), offset);
        chunks[0] = head.subarray(need);
        offset += need;
      }
    }
    buffered -= n;
    return out;
  }

  async function readFrame(): Promise<{ kind: number; payload: Uint8Array } | null> {
    const header = await readExactly(5);
    if (header === null) return null;
    const view = new DataView(header.buffer, header.byteOffset, 5);
    const length = view.getUint32(0);
    const kind = view.getUint8(4);
    const payload = await readExactly(length);
    if (payload === null) return null;
    return { kind, payload };
  }

  function writeAll(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += stdout.writeSync(bytes.subarray(offset));
  }

  function writeFrame(kind: number, payload: Uint8Array): void {
    const header = new Uint8Array(5);
    new DataView(header.buffer).setUint32(0, payload.length);
    header[4] = kind;
    writeAll(header);
    writeAll(payload);
  }

  let key = "";
  function send(message: Record<string, unknown>): void {
    writeFrame(KIND_JSON, encoder.encode(JSON.stringify({ ...message, k: key })));
  }

  const DRIVER = `
import ast, linecache, sys, traceback

def _openenv_new_namespace():
    return {"__name__": "__main__", "__builtins__": __builtins__}

def _openenv_denied(*args, **kwargs):
    raise PermissionError("Starting processes is not allowed in the sandbox")

import os as _openenv_os
for _name in ("system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execle",
              "execlp", "execlpe", "execvp", "execvpe", "spawnl", "spawnle", "spawnlp",
              "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn",
              "posix_spawnp"):
    if hasattr(_openenv_os, _name):
        setattr(_openenv_os, _name, _openenv_denied)

_openenv_ns = _openenv_new_namespace()
_openenv_cell = 0

def _openenv_run(code):
    global _openenv_cell
    _openenv_cell += 1
    name = f"<cell {_openenv_cell}>"
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    try:
        try:
            tree = ast.parse(code, name, "exec")
        except (SyntaxError, ValueError) as e:
            sys.stderr.write("".join(traceback.format_exception_only(type(e), e)))
            return [1, f"{type(e).__name__}: {e}", False]
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        try:
            exec(compile(tree, name, "exec"), _openenv_ns)
            if last is not None:
                value = eval(compile(last, name, "eval"), _openenv_ns)
                if value is not None:
                    print(repr(value))
            return [0, None, True]
        except SystemExit as e:
            if e.code is None:
                return [0, None, True]
            if isinstance(e.code, int):
                return [e.code, None if e.code == 0 else f"SystemExit: {e.code}", True]
            sys.stderr.write(str(e.code) + "\\n")
            return [1, f"SystemExit: {e.code}", True]
        except BaseException as e:
            tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
            sys.stderr.write("".join(traceback.format_exception(type(e), e, tb)))
            text = str(e)
            return [1, f"{type(e).__name__}: {text}" if text else type(e).__name__, True]
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
`;

  async function main(): Promise<void> {
    const initFrame = await readFrame();
    if (initFrame === null || initFrame.kind !== KIND_JSON) exit(2);
    const init = JSON.parse(decoder.decode(initFrame!.payload)) as {
      key: string;
      pyodideDir: string;
      mode: "make-snapshot" | "run";
      snapshot: boolean;
      maxOutputBytes: number;
    };
    key = init.key;
    let snapshot: Uint8Array | undefined;
    if (init.snapshot) {
      const frame = await readFrame();
      if (frame === null || frame.kind !== KIND_BINARY) exit(2);
      snapshot = frame!.payload;
    }

    // Output: captured per run, capped, and streamed to the host every 50 ms so
    // a run killed on timeout still shows what it printed.
    let budget = init.maxOutputBytes;
    let truncated = false;
    const buffers = { out: [] as string[], err: [] as string[] };
    let lastFlush = Date.now();
    const flush = (): void => {
      for (const stream of ["out", "err"] as const) {
        if (buffers[stream].length > 0) {
          send({ t: stream, s: buffers[stream].join("") });
          buffers[stream] = [];
        }
      }
      lastFlush = Date.now();
    };
    const sink = (stream: "out" | "err") => (bytes: Uint8Array): number => {
      if (budget > 0) {
        const take = Math.min(bytes.length, budget);
        budget -= take;
        buffers[stream].push(decoder.decode(bytes.subarray(0, take), { stream: false }));
        if (take < bytes.length) truncated = true;
      } else if (bytes.length > 0) {
        truncated = true;
      }
      if (Date.now() - lastFlush > 50) flush();
      return bytes.length;
    };

    const pyodideModule = await import("file://" + init.pyodideDir + "pyodide.mjs");
    const options: Record<string, unknown> = {
      indexURL: init.pyodideDir,
      jsglobals: {},
      env: { HOME: "/home/sandbox" },
      stdout: () => {},
      stderr: () => {},
      checkAPIVersion: true,
    };
    if (init.mode === "make-snapshot") options._makeSnapshot = true;
    if (snapshot) options._loadSnapshot = snapshot;
    const py: any = await pyodideModule.loadPyodide(options);

    if (init.mode === "make-snapshot") {
      writeFrame(KIND_BINARY, py.makeMemorySnapshot());
      exit(0);
    }

    py.setStdout({ write: sink("out") });
    py.setStderr({ write: sink("err") });
    py.setStdin({ stdin: () => undefined }); // input() sees end of file
    py.runPython(DRIVER);
    const run = py.globals.get("_openenv_run");

    // A watcher thread interrupts Python (KeyboardInterrupt, through Pyodide's
    // interrupt buffer) when a run overstays its time, so the interpreter and
    // its variables survive a timeout; the host kills the process only if
    // that fails. It also interrupts when the host process is gone, so an
    // orphaned busy loop does not spin forever.
    const shared = new SharedArrayBuffer(12);
    const interrupt = new Uint8Array(shared, 0, 1);
    const fired = new Int32Array(shared, 4, 1);
    const current = new Int32Array(shared, 8, 1);
    py.setInterruptBuffer(interrupt);
    const watcherSource = `
      let interrupt, fired, current, timer = null;
      const parent = Deno.ppid;
      self.onmessage = (event) => {
        const m = event.data;
        if (m.shared) {
          interrupt = new Uint8Array(m.shared, 0, 1);
          fired = new Int32Array(m.shared, 4, 1);
          current = new Int32Array(m.shared, 8, 1);
        } else if (m.run) {
          clearTimeout(timer);
          timer = setTimeout(() => {
            if (Atomics.load(current, 0) === m.run) {
              Atomics.store(fired, 0, 1);
              interrupt[0] = 2;
            }
          }, m.ms);
        } else if (m.idle) {
          clearTimeout(timer);
          timer = null;
        }
      };
      setInterval(() => {
        if (interrupt && Deno.ppid !== parent) interrupt[0] = 2;
      }, 500);
    `;
    const watcher = new Worker(
      `data:application/javascript,${encodeURIComponent(watcherSource)}`,
      { type: "module" },
    );
    watcher.postMessage({ shared });
    let runId = 0;

    // Code in the sandbox can reach JavaScript (any proxied object leads to
    // the Function constructor), so the real fence is the process's
    // permissions. Silencing console keeps stray logs off the frame channel;
    // anything else written there fails the key check on the host.
    // JavaScript cells print through console: route it into the same capped,
    // framed output as Python's.
    const g = globalThis as any;
    const inspect = Deno.inspect;
    const printer = (stream: "out" | "err") => {
      const write = sink(stream);
      return (...args: unknown[]) => {
        const text = args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
        write(encoder.encode(text + "\n"));
      };
    };
    const toOut = printer("out");
    const toErr = printer("err");
    g.console = {
      log: toOut,
      info: toOut,
      debug: toOut,
      dir: toOut,
      table: toOut,
      warn: toErr,
      error: toErr,
      trace: toErr,
    };
    const vm: any = await import("node:vm");
    const runJavaScript = async (code: string, cell: number) => {
      let script: any;
      try {
        script = new vm.Script(code, { filename: `<cell ${cell}>` });
      } catch (e) {
        toErr(String((e as Error).stack ?? e));
        return [1, `${(e as Error).name}: ${(e as Error).message}`, false];
      }
      try {
        let value = script.runInThisContext();
        if (value !== null && typeof value === "object" && typeof value.then === "function") {
          value = await value;
        }
        if (value !== undefined) toOut(inspect(value));
        return [0, null, true];
      } catch (e) {
        const stack = e instanceof Error && e.stack ? e.stack : `Uncaught ${inspect(e)}`;
        toErr(
          stack.split("\n").filter((line) => !/ext:deno_node|data:application/.test(line)).join(
            "\n",
          ),
        );
        return [
          1,
          e instanceof Error ? `${e.name}: ${e.message}` : `Uncaught ${inspect(e)}`,
          true,
        ];
      }
    };

    send({ t: "ready" });
    while (true) {
      const frame = await readFrame();
      if (frame === null) exit(0);
      const request = JSON.parse(decoder.decode(frame!.payload)) as {
        code: string;
        timeoutMs?: number;
        language?: "python" | "javascript";
      };
      budget = init.maxOutputBytes;
      truncated = false;
      runId++;
      interrupt[0] = 0;
      Atomics.store(fired, 0, 0);
      Atomics.store(current, 0, runId);
      if (request.timeoutMs) watcher.postMessage({ run: runId, ms: request.timeoutMs });
      let exitCode = 1;
      let error: string | null = null;
      let parsed = true;
      try {
        let pair: unknown[];
        if (request.language === "javascript") {
          pair = await runJavaScript(request.code, runId);
        } else {
          const result = run(request.code);
          pair = result.toJs();
          result.destroy?.();
        }
        exitCode = Number(pair[0]);
        error = (pair[1] as string | null) ?? null;
        parsed = pair[2] !== false;
      } catch (e) {
        // Pyodide itself failed (a fatal error): report and let the host restart us.
        flush();
        send({ t: "fatal", error: String(e).slice(0, 2000) });
        exit(3);
      }
      Atomics.store(current, 0, 0);
      watcher.postMessage({ idle: true });
      const timedOut = Atomics.load(fired, 0) === 1 &&
        (error ?? "").startsWith("KeyboardInterrupt");
      flush();
      send({ t: "done", exit_code: exitCode, error, truncated, parsed, timed_out: timedOut });
    }
  }

  await main();
}
