/**
 * Loads the Stockfish WASM engine (npm `stockfish`, flavour `lite-single`)
 * on first use and talks UCI to it (internal). The import is dynamic, so
 * nothing of the engine loads unless a Stockfish opponent is chosen. One
 * engine serves the whole process; searches are queued.
 *
 * @module
 */

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
    const g = globalThis as Record<string, unknown>;
    let hasLocation = true;
    try {
      hasLocation = g.location !== undefined;
    } catch {
      hasLocation = false;
    }
    // The engine's loader probes `self.location` to detect a web worker; Deno
    // has no location unless started with --location.
    const locationDescriptor = Object.getOwnPropertyDescriptor(g, "location");
    if (!hasLocation) {
      Object.defineProperty(g, "location", {
        value: { hash: "", href: "file:///", origin: "null", pathname: "/" },
        configurable: true,
        writable: true,
      });
    }
    // Under Node-like runtimes the loader replaces the global fetch with null
    // and installs an XMLHttpRequest shim to read its wasm file: put both back.
    const savedFetch = g.fetch;
    const hadXhr = "XMLHttpRequest" in g;
    const savedXhr = g.XMLHttpRequest;
    // Its banner goes to console.log before a listener can be attached.
    const log = console.log;
    console.log = (...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].startsWith("Stockfish")) return;
      log(...args);
    };
    try {
      const module = await import("stockfish");
      const init = (module.default ?? module) as (flavour: string) => Promise<UciEngine>;
      const engine = new StockfishEngine(await init("lite-single"));
      await engine.#command("uci", (line) => line === "uciok");
      await engine.#command("isready", (line) => line === "readyok");
      return engine;
    } catch (error) {
      throw new Error(
        `Could not load the Stockfish engine (npm package 'stockfish'): ${
          (error as Error).message
        }`,
        { cause: error },
      );
    } finally {
      console.log = log;
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
