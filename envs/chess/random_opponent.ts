/**
 * An opponent that plays a uniformly random legal move, reproducibly when
 * seeded.
 *
 * @module
 */
import { Chess } from "chess.js";
import { createPrng, pick, type Prng } from "./_prng.ts";
import type { ChessOpponent, OpponentPosition } from "./opponent.ts";

/** Options for {@linkcode RandomOpponent}. */
export interface RandomOpponentOptions {
  /** Seed; the same seed and positions give the same moves. @default {random} */
  seed?: number;
}

/**
 * Plays a random legal move.
 *
 * @example
 * ```ts
 * import { RandomOpponent } from "@openenv/chess";
 *
 * const opponent = new RandomOpponent({ seed: 7 });
 * const fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1";
 * const move = await opponent.chooseMove({ fen, startFen: fen, moves: [] });
 * ```
 */
export class RandomOpponent implements ChessOpponent {
  /** Always `"random"`. */
  readonly kind = "random" as const;
  #prng: Prng;

  /** Creates the opponent. */
  constructor(options: RandomOpponentOptions = {}) {
    this.#prng = createPrng(options.seed);
  }

  /** A random legal move in UCI. @throws {Error} When the side to move has no legal move. */
  chooseMove(position: OpponentPosition): Promise<string> {
    const moves = new Chess(position.fen).moves({ verbose: true })
      .map((m) => m.from + m.to + (m.promotion ?? ""))
      .sort();
    if (moves.length === 0) {
      return Promise.reject(new Error(`No legal move in position '${position.fen}'`));
    }
    return Promise.resolve(pick(this.#prng, moves));
  }
}
