/**
 * Loads the Stockfish WASM engine (npm `stockfish`, flavour `lite-single`)
 * on first use and talks UCI to it (internal). Nothing of the engine loads
 * unless a Stockfish opponent is chosen. The engine's script and wasm are
 * read from the package directory (or `$CHESS_STOCKFISH_DIR`), so this also
 * works in a bundled server. One engine serves the whole process; searches
 * are queued.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface EmscriptenEngine {
  wasmBinary: Uint8Array;
  locateFile(path: string): string;
  listener(line: string): void;
  _isReady?: () => boolean;
  ccall?: (
    name: string,
    returns: null,
    types: string[],
    args: unknown[],
    options: { async: boolean },
  ) => unknown;
}

/** Where the engine's script and wasm are. */
interface EngineFiles {
  js: string;
  wasm: string;
}

/**
 * Finds the lite single-threaded engine: in `$CHESS_STOCKFISH_DIR` (a copy
 * of the package's `bin/` or the package itself), else in the npm package
 * the import map resolves (downloaded into the Deno cache on first use).
 */
async function findEngineFiles(): Promise<EngineFiles> {
  let dirs: string[] = [];
  let configured: string | undefined;
  try {
    configured = Deno.env.get("CHESS_STOCKFISH_DIR");
  } catch {
    configured = undefined;
  }
  if (configured) dirs = [configured, join(configured, "bin")];
  else {
    try {
      await import("stockfish");
      const packageDir = dirname(fileURLToPath(import.meta.resolve("stockfish")));
      dirs = [join(packageDir, "bin")];
    } catch (error) {
      throw new Error(
        "Could not find the stockfish package on disk (a bundled server cannot resolve it): " +
          `set CHESS_STOCKFISH_DIR to the directory of the npm package 'stockfish' (${
            (error as Error).message
          })`,
      );
    }
  }
  for (const dir of dirs) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (/^stockfish-[\d.]+-lite-single\.js$/.test(entry.name)) {
          const js = join(dir, entry.name);
          return { js, wasm: js.replace(/\.js$/, ".wasm") };
        }
      }
    } catch {
      // not this one
    }
  }
  throw new Error(
    `No lite single-threaded Stockfish engine (stockfish-*-lite-single.js) in ${dirs.join(" or ")}`,
  );
}

interface UciEngine {
  listener?: (line: string) => void;
  sendCommand(command: string): void;
}

/** One search request. */
export interface SearchRequest {
  /** Start position in FEN. */
  startFen: string;
  /** Moves since the start, in UCI. */
  moves: readonly string[];
  /** `Skill Level` 0-20. */
  skill: number;
  /** Search depth. */
  depth: number;
}

/** The Stockfish engine behind a queue. */
export class StockfishEngine {
  #engine: UciEngine;
  #queue: Promise<unknown> = Promise.resolve();
  #onLine: ((line: string) => void) | null = null;

  private constructor(engine: UciEngine) {
    this.#engine = engine;
    engine.listener = (line) => this.#onLine?.(line);
  }

  static #shared: Promise<StockfishEngine> | undefined;

  /** The process-wide engine, loaded on first call. */
  static shared(): Promise<StockfishEngine> {
    const loading = StockfishEngine.#shared ??= StockfishEngine.#load();
    loading.catch(() => {
      StockfishEngine.#shared = undefined; // let a later call retry
    });
    return loading;
  }

  static async #load(): Promise<StockfishEngine> {
    const files = await findEngineFiles();
    const g = globalThis as Record<string, unknown>;
    let hasLocation = true;
    try {
      hasLocation = g.location !== undefined;
    } catch {
      hasLocation = false;
    }
    // The engine probes `self.location` to detect a web worker; Deno has no
    // location unless started with --location.
    const locationDescriptor = Object.getOwnPropertyDescriptor(g, "location");
    if (!hasLocation) {
      Object.defineProperty(g, "location", {
        value: { hash: "", href: "file:///", origin: "null", pathname: "/" },
        configurable: true,
        writable: true,
      });
    }
    // Under Node-like runtimes the engine replaces the global fetch with null
    // and installs an XMLHttpRequest shim: put both back afterwards.
    const savedFetch = g.fetch;
    const hadXhr = "XMLHttpRequest" in g;
    const savedXhr = g.XMLHttpRequest;
    try {
      const [source, wasm] = await Promise.all([
        Deno.readTextFile(files.js),
        Deno.readFile(files.wasm),
      ]);
      // The engine is a CommonJS script exporting a module factory: run it
      // with its own module object, then hand it the wasm bytes directly.
      const cjs = { exports: {} as unknown };
      const require = createRequire(import.meta.url);
      new Function("module", "exports", "require", "__filename", "__dirname", source)(
        cjs,
        cjs.exports,
        require,
        files.js,
        dirname(files.js),
      );
      const factory = cjs.exports as () => (module: EmscriptenEngine) => Promise<unknown>;
      if (typeof factory !== "function") throw new Error(`${files.js} exports no engine factory`);
      let onLine: (line: string) => void = () => {};
      const module: EmscriptenEngine = {
        wasmBinary: wasm,
        locateFile: (path: string) => (path.endsWith(".wasm") ? files.wasm : files.js),
        listener: (line: string) => onLine(line),
      };
      await factory()(module);
      for (let i = 0; module._isReady && !module._isReady(); i++) {
        if (i > 6000) throw new Error("the engine did not become ready within 60 s");
        await new Promise((r) => setTimeout(r, 10));
      }
      const engine = new StockfishEngine({
        sendCommand: (command: string) => {
          setTimeout(() => {
            module.ccall!("command", null, ["string"], [command], { async: /^go\b/.test(command) });
          }, 0);
        },
        set listener(fn: ((line: string) => void) | undefined) {
          onLine = fn ?? (() => {});
        },
      });
      await engine.#command("uci", (line) => line === "uciok");
      await engine.#command("isready", (line) => line === "readyok");
      return engine;
    } catch (error) {
      throw new Error(
        `Could not load the Stockfish engine from '${files.js}': ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      if (!hasLocation) {
        delete g.location;
        if (locationDescriptor) Object.defineProperty(g, "location", locationDescriptor);
      }
      g.fetch = savedFetch;
      if (hadXhr) g.XMLHttpRequest = savedXhr;
      else delete g.XMLHttpRequest;
    }
  }

  #command(command: string, until: (line: string) => boolean, timeoutMs = 60_000) {
    return new Promise<string[]>((resolve, reject) => {
      const lines: string[] = [];
      const timer = setTimeout(() => {
        this.#onLine = null;
        reject(new Error(`Stockfish did not answer '${command}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#onLine = (line) => {
        lines.push(line);
        if (until(line)) {
          clearTimeout(timer);
          this.#onLine = null;
          resolve(lines);
        }
      };
      this.#engine.sendCommand(command);
    });
  }

  /**
   * The engine's best move in UCI.
   *
   * @throws {Error} When the engine finds no move or does not answer.
   */
  bestMove(request: SearchRequest): Promise<string> {
    const run = async () => {
      this.#engine.sendCommand(`setoption name Skill Level value ${request.skill}`);
      const moves = request.moves.length > 0 ? ` moves ${request.moves.join(" ")}` : "";
      this.#engine.sendCommand(`position fen ${request.startFen}${moves}`);
      await this.#command("isready", (line) => line === "readyok");
      const lines = await this.#command(
        `go depth ${request.depth}`,
        (line) => line.startsWith("bestmove"),
      );
      const move = lines.at(-1)!.split(/\s+/)[1];
      if (!move || move === "(none)") throw new Error("Stockfish found no move in this position");
      return move;
    };
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => {});
    return result;
  }
}
