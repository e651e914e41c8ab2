/**
 * The opponent contract: given a position, answer with a move.
 *
 * @module
 */
import type { OpponentKind } from "./models.ts";

/** A position as an opponent sees it. */
export interface OpponentPosition {
  /** The current position in FEN. */
  fen: string;
  /** The episode's start position in FEN (for engines that track repetitions). */
  startFen: string;
  /** Moves played since `startFen`, in UCI. */
  moves: readonly string[];
}

/**
 * Something that plays the other side. Implementations must return a legal
 * move of the side to move, in UCI.
 *
 * @example A trivial opponent
 * ```ts
 * import type { ChessOpponent } from "@openenv/chess";
 * import { Chess } from "chess.js";
 *
 * const firstMove: ChessOpponent = {
 *   kind: "random",
 *   chooseMove: ({ fen }) => {
 *     const move = new Chess(fen).moves({ verbose: true })[0];
 *     return Promise.resolve(move.from + move.to + (move.promotion ?? ""));
 *   },
 * };
 * ```
 */
export interface ChessOpponent {
  /** Which kind of opponent this is. */
  readonly kind: OpponentKind;
  /**
   * Chooses a move for the side to move.
   *
   * @param position The position, with its history.
   * @param signal Aborted when the step is cancelled.
   */
  chooseMove(position: OpponentPosition, signal?: AbortSignal): Promise<string>;
}
