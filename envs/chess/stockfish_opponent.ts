/**
 * The Stockfish opponent (npm `stockfish`, WASM, `lite-single` flavour),
 * with a configurable skill level and search depth. The engine loads lazily
 * on the first move, so choosing another opponent never loads it.
 *
 * @module
 */
import type { ChessOpponent, OpponentPosition } from "./opponent.ts";
import { StockfishEngine } from "./_stockfish_engine.ts";

/** Options for {@linkcode StockfishOpponent}. */
export interface StockfishOpponentOptions {
  /** UCI `Skill Level`, 0 (weakest) to 20. @default {10} */
  skill?: number;
  /** Search depth in half-moves. @default {8} */
  depth?: number;
}

/**
 * Plays Stockfish's move.
 *
 * @example
 * ```ts ignore
 * import { StockfishOpponent } from "@openenv/chess";
 *
 * const stockfish = new StockfishOpponent({ skill: 5, depth: 6 });
 * const fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1";
 * console.log(await stockfish.chooseMove({ fen, startFen: fen, moves: [] })); // e.g. "c7c5"
 * ```
 */
export class StockfishOpponent implements ChessOpponent {
  /** Always `"stockfish"`. */
  readonly kind = "stockfish" as const;
  /** Skill level. */
  readonly skill: number;
  /** Search depth. */
  readonly depth: number;

  /** Creates the opponent; the engine loads on the first move. @throws {RangeError} On out-of-range options. */
  constructor(options: StockfishOpponentOptions = {}) {
    this.skill = options.skill ?? 10;
    this.depth = options.depth ?? 8;
    if (!Number.isInteger(this.skill) || this.skill < 0 || this.skill > 20) {
      throw new RangeError(`skill must be an integer from 0 to 20, got '${this.skill}'`);
    }
    if (!Number.isInteger(this.depth) || this.depth < 1 || this.depth > 30) {
      throw new RangeError(`depth must be an integer from 1 to 30, got '${this.depth}'`);
    }
  }

  /** Loads the engine now instead of on the first move. */
  async warmUp(): Promise<void> {
    await StockfishEngine.shared();
  }

  /** Stockfish's move in UCI. @throws {Error} When the engine cannot load or finds no move. */
  async chooseMove(position: OpponentPosition, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const engine = await StockfishEngine.shared();
    return await engine.bestMove({
      startFen: position.startFen,
      moves: position.moves,
      skill: this.skill,
      depth: this.depth,
    });
  }
}
