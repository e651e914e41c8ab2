/**
 * Builds an opponent from its kind.
 *
 * @module
 */
import { MinimaxOpponent } from "./minimax_opponent.ts";
import type { OpponentKind } from "./models.ts";
import type { ChessOpponent } from "./opponent.ts";
import { RandomOpponent } from "./random_opponent.ts";
import { StockfishOpponent } from "./stockfish_opponent.ts";

/** Settings for {@linkcode createOpponent}. */
export interface OpponentSettings {
  /** Seed of the random and minimax opponents. */
  seed?: number;
  /** Minimax depth. @default {2} */
  depth?: number;
  /** Stockfish skill. @default {10} */
  stockfishSkill?: number;
  /** Stockfish depth. @default {8} */
  stockfishDepth?: number;
}

/**
 * The opponent of a kind, or `null` for self-play (`"none"`).
 *
 * @example
 * ```ts
 * import { createOpponent } from "@openenv/chess";
 *
 * createOpponent("random", { seed: 1 })?.kind; // "random"
 * createOpponent("none", {}); // null
 * ```
 */
export function createOpponent(
  kind: OpponentKind,
  settings: OpponentSettings,
): ChessOpponent | null {
  switch (kind) {
    case "none":
      return null;
    case "random":
      return new RandomOpponent({ seed: settings.seed });
    case "minimax":
      return new MinimaxOpponent({ seed: settings.seed, depth: settings.depth });
    case "stockfish":
      return new StockfishOpponent({
        skill: settings.stockfishSkill,
        depth: settings.stockfishDepth,
      });
    default:
      throw new RangeError(`Unknown opponent '${kind}': use random, minimax, stockfish or none`);
  }
}
