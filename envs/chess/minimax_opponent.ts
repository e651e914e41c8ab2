/**
 * A fast built-in opponent: a negamax search with alpha-beta pruning over
 * chess.js moves and a material plus piece-square evaluation. At depth 2 (the
 * reference opponent's default depth) it sees its move and the reply, so it
 * takes free material, avoids hanging pieces to a direct capture and mates in
 * one; it answers in about 0.1-0.3 s on one core (depth 3: about 1-3 s).
 *
 * @module
 */
import { Chess, type Move } from "chess.js";
import { createPrng, pick, type Prng } from "./_prng.ts";
import type { ChessOpponent, OpponentPosition } from "./opponent.ts";

/** Options for {@linkcode MinimaxOpponent}. */
export interface MinimaxOpponentOptions {
  /** Search depth in half-moves (1-4). @default {2} */
  depth?: number;
  /** Seed for choosing among equally good moves. @default {random} */
  seed?: number;
}

const VALUE: Record<string, number> = { p: 100, n: 320, b: 330, r: 500, q: 900, k: 0 };
const MATE = 100_000;

// Bonus by square for the side to move's pieces, from white's side (rank 8 first).
const CENTER = [
  [-50, -40, -30, -30, -30, -30, -40, -50],
  [-40, -20, 0, 0, 0, 0, -20, -40],
  [-30, 0, 10, 15, 15, 10, 0, -30],
  [-30, 5, 15, 20, 20, 15, 5, -30],
  [-30, 0, 15, 20, 20, 15, 0, -30],
  [-30, 5, 10, 15, 15, 10, 5, -30],
  [-40, -20, 0, 5, 5, 0, -20, -40],
  [-50, -40, -30, -30, -30, -30, -40, -50],
];
const PAWN = [
  [0, 0, 0, 0, 0, 0, 0, 0],
  [50, 50, 50, 50, 50, 50, 50, 50],
  [10, 10, 20, 30, 30, 20, 10, 10],
  [5, 5, 10, 25, 25, 10, 5, 5],
  [0, 0, 0, 20, 20, 0, 0, 0],
  [5, -5, -10, 0, 0, -10, -5, 5],
  [5, 10, 10, -20, -20, 10, 10, 5],
  [0, 0, 0, 0, 0, 0, 0, 0],
];

function squareBonus(type: string, row: number, col: number): number {
  if (type === "p") return PAWN[row][col];
  if (type === "n" || type === "b") return CENTER[row][col] / (type === "b" ? 2 : 1);
  if (type === "q") return CENTER[row][col] / 4;
  return 0;
}

/** Static evaluation from white's point of view, in centipawns. */
export function evaluatePosition(chess: Chess): number {
  let score = 0;
  const board = chess.board();
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      const piece = board[row][col];
      if (!piece) continue;
      const r = piece.color === "w" ? row : 7 - row;
      const value = VALUE[piece.type] + squareBonus(piece.type, r, col);
      score += piece.color === "w" ? value : -value;
    }
  }
  return score;
}

function ordered(moves: Move[]): Move[] {
  const key = (m: Move) =>
    (m.captured ? 10 * VALUE[m.captured] - VALUE[m.piece] : -10_000) + (m.promotion ? 800 : 0);
  return moves.sort((a, b) => key(b) - key(a));
}

function negamax(chess: Chess, depth: number, alpha: number, beta: number, ply: number): number {
  if (depth === 0) {
    if (chess.inCheck() && chess.moves().length === 0) return -MATE + ply;
    return (chess.turn() === "w" ? 1 : -1) * evaluatePosition(chess);
  }
  const moves = chess.moves({ verbose: true });
  if (moves.length === 0) return chess.inCheck() ? -MATE + ply : 0;
  if (chess.isInsufficientMaterial() || chess.isDrawByFiftyMoves()) return 0;
  let best = -Infinity;
  for (const move of ordered(moves)) {
    chess.move(move);
    const score = -negamax(chess, depth - 1, -beta, -alpha, ply + 1);
    chess.undo();
    if (score > best) best = score;
    if (score > alpha) alpha = score;
    if (alpha >= beta) break;
  }
  return best;
}

/**
 * Searches a few half-moves ahead and plays the best move it finds.
 *
 * @example
 * ```ts
 * import { MinimaxOpponent } from "@openenv/chess";
 *
 * const opponent = new MinimaxOpponent({ depth: 2, seed: 1 });
 * // Black to move takes the queen on d4 with the e5 pawn.
 * const fen = "rnbqkbnr/pppp1ppp/8/4p3/3Q4/8/PPP1PPPP/RNB1KBNR b KQkq - 0 1";
 * await opponent.chooseMove({ fen, startFen: fen, moves: [] }); // "e5d4"
 * ```
 */
export class MinimaxOpponent implements ChessOpponent {
  /** Always `"minimax"`. */
  readonly kind = "minimax" as const;
  /** Search depth in half-moves. */
  readonly depth: number;
  #prng: Prng;

  /** Creates the opponent. @throws {RangeError} When `depth` is not 1-4. */
  constructor(options: MinimaxOpponentOptions = {}) {
    const depth = options.depth ?? 2;
    if (!Number.isInteger(depth) || depth < 1 || depth > 4) {
      throw new RangeError(`depth must be an integer from 1 to 4, got '${depth}'`);
    }
    this.depth = depth;
    this.#prng = createPrng(options.seed);
  }

  /** The best move found, in UCI. @throws {Error} When the side to move has no legal move. */
  chooseMove(position: OpponentPosition, signal?: AbortSignal): Promise<string> {
    const chess = new Chess(position.fen);
    const moves = ordered(chess.moves({ verbose: true }));
    if (moves.length === 0) {
      return Promise.reject(new Error(`No legal move in position '${position.fen}'`));
    }
    let bestScore = -Infinity;
    let best: Move[] = [];
    for (const move of moves) {
      signal?.throwIfAborted();
      chess.move(move);
      // A window just below the best so far finds every equally good move.
      const score = -negamax(chess, this.depth - 1, -Infinity, -(bestScore - 1), 1);
      chess.undo();
      if (score > bestScore) {
        bestScore = score;
        best = [move];
      } else if (score === bestScore) {
        best.push(move);
      }
    }
    const chosen = pick(this.#prng, best.sort((a, b) => a.lan.localeCompare(b.lan)));
    return Promise.resolve(chosen.from + chosen.to + (chosen.promotion ?? ""));
  }
}
