/**
 * Configuration of the chess environment: opponent, colours, limits and
 * rewards, with their defaults and the environment variables that set them
 * at deploy time (the reference has none).
 *
 * | Setting | Default | Variable | Reference (Python `chess_env`) |
 * | --- | --- | --- | --- |
 * | `opponent` | `"minimax"` | `CHESS_OPPONENT` | `"moonfish"` (a depth-2 search) |
 * | `opponentDepth` | 2 | `CHESS_OPPONENT_DEPTH` | 2 |
 * | `stockfishSkill` | 10 | `CHESS_STOCKFISH_SKILL` | n/a |
 * | `stockfishDepth` | 8 | `CHESS_STOCKFISH_DEPTH` | n/a |
 * | `agentColor` | `"white"` | `CHESS_AGENT_COLOR` | alternates by `hash(episode_id)` |
 * | `maxMoves` | 500 half-moves | `CHESS_MAX_MOVES` | 500 |
 * | `rewards.win` / `loss` / `draw` | 1 / -1 / 0 | | 1 / -1 / 0 |
 * | `rewards.illegalMove` | -0.1 | `CHESS_ILLEGAL_MOVE_PENALTY` | -0.1 |
 * | `illegalMoveEndsEpisode` | false | `CHESS_ILLEGAL_MOVE_ENDS_EPISODE` | false (the episode goes on) |
 * | `maxIllegalMoves` | null (no limit) | `CHESS_MAX_ILLEGAL_MOVES` (0 = none) | none: an agent can loop forever |
 * | `gamma` | 0.99 | | 0.99 (discounted rewards in metadata) |
 *
 * @module
 */
import type { Color, OpponentKind } from "./models.ts";

/** Rewards of the chess environment, from the agent's point of view. */
export interface ChessRewards {
  /** The agent mates. @default {1} */
  win: number;
  /** The agent is mated. @default {-1} */
  loss: number;
  /** Stalemate, a draw rule or the move limit. @default {0} */
  draw: number;
  /** An illegal or unparsable move. @default {-0.1} */
  illegalMove: number;
}

/** Configuration of a {@linkcode ChessEnvironment}. */
export interface ChessConfig {
  /** Who answers the agent's moves. @default {"minimax"} */
  opponent: OpponentKind;
  /** Search depth of the minimax opponent, in half-moves. @default {2} */
  opponentDepth: number;
  /** Stockfish `Skill Level` (0-20). @default {10} */
  stockfishSkill: number;
  /** Stockfish search depth. @default {8} */
  stockfishDepth: number;
  /** Side of the agent; `random` draws it from the episode's seed. @default {"white"} */
  agentColor: Color | "random";
  /** Half-moves (both sides) after which the game is a draw. @default {500} */
  maxMoves: number;
  /** Whether an illegal move ends the episode (as a loss of `rewards.illegalMove`). @default {false} */
  illegalMoveEndsEpisode: boolean;
  /** End the episode (lost) after this many illegal moves; `null` never does. @default {null} */
  maxIllegalMoves: number | null;
  /** Discount for the per-move rewards reported in the final metadata. @default {0.99} */
  gamma: number;
  /** Random legal moves played from the start position when a seed is given. @default {0} */
  openingPlies: number;
  /** Rewards. */
  rewards: ChessRewards;
}

/** Default rewards: the reference's values. */
export const DEFAULT_CHESS_REWARDS: Readonly<ChessRewards> = Object.freeze({
  win: 1,
  loss: -1,
  draw: 0,
  illegalMove: -0.1,
});

/** Default configuration. */
export const DEFAULT_CHESS_CONFIG: Readonly<ChessConfig> = Object.freeze({
  opponent: "minimax",
  opponentDepth: 2,
  stockfishSkill: 10,
  stockfishDepth: 8,
  agentColor: "white",
  maxMoves: 500,
  illegalMoveEndsEpisode: false,
  maxIllegalMoves: null,
  gamma: 0.99,
  openingPlies: 0,
  rewards: DEFAULT_CHESS_REWARDS,
});

/** Partial configuration. */
export type ChessConfigInput = Partial<Omit<ChessConfig, "rewards">> & {
  /** Reward overrides. */
  rewards?: Partial<ChessRewards>;
};

const OPPONENTS = ["random", "minimax", "stockfish", "none"];
const COLORS = ["white", "black", "random"];

/**
 * Fills a partial configuration with the defaults and checks it.
 *
 * @throws {RangeError} When a value is out of range.
 * @example
 * ```ts
 * import { resolveChessConfig } from "@openenv/chess";
 *
 * resolveChessConfig({ opponent: "random" }).maxMoves; // 500
 * ```
 */
export function resolveChessConfig(input: ChessConfigInput = {}): ChessConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const config: ChessConfig = {
    ...DEFAULT_CHESS_CONFIG,
    ...defined,
    rewards: { ...DEFAULT_CHESS_REWARDS, ...input.rewards },
  };
  if (!OPPONENTS.includes(config.opponent)) {
    throw new RangeError(
      `opponent must be one of ${OPPONENTS.join(", ")}, got '${config.opponent}'`,
    );
  }
  if (!COLORS.includes(config.agentColor)) {
    throw new RangeError(
      `agentColor must be one of ${COLORS.join(", ")}, got '${config.agentColor}'`,
    );
  }
  const int = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
    }
  };
  int("opponentDepth", config.opponentDepth, 1, 4);
  int("stockfishSkill", config.stockfishSkill, 0, 20);
  int("stockfishDepth", config.stockfishDepth, 1, 30);
  int("maxMoves", config.maxMoves, 1, 100_000);
  int("openingPlies", config.openingPlies, 0, 40);
  if (config.maxIllegalMoves !== null) {
    int("maxIllegalMoves", config.maxIllegalMoves, 1, 1_000_000);
  }
  if (!(config.gamma > 0 && config.gamma <= 1)) {
    throw new RangeError(`gamma must be in (0, 1], got '${config.gamma}'`);
  }
  for (const [name, value] of Object.entries(config.rewards)) {
    if (!Number.isFinite(value)) throw new RangeError(`rewards.${name} must be a number`);
  }
  return config;
}

/**
 * Reads `CHESS_OPPONENT`, `CHESS_OPPONENT_DEPTH`, `CHESS_STOCKFISH_SKILL`,
 * `CHESS_STOCKFISH_DEPTH`, `CHESS_AGENT_COLOR`, `CHESS_MAX_MOVES`,
 * `CHESS_ILLEGAL_MOVE_PENALTY`, `CHESS_ILLEGAL_MOVE_ENDS_EPISODE` and
 * `CHESS_MAX_ILLEGAL_MOVES`.
 * Unset variables are left out; without `--allow-env` nothing is read.
 *
 * @throws {RangeError} When a numeric variable is not a number.
 * @example
 * ```ts ignore
 * import { chessConfigFromEnv, resolveChessConfig } from "@openenv/chess";
 *
 * const config = resolveChessConfig(chessConfigFromEnv());
 * ```
 */
export function chessConfigFromEnv(): ChessConfigInput {
  const raw = (name: string): string | undefined => {
    try {
      const value = Deno.env.get(name);
      return value === undefined || value.trim() === "" ? undefined : value.trim();
    } catch {
      return undefined;
    }
  };
  const num = (name: string): number | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new RangeError(`${name} must be a number, got '${value}'`);
    return n;
  };
  const ends = raw("CHESS_ILLEGAL_MOVE_ENDS_EPISODE");
  const penalty = num("CHESS_ILLEGAL_MOVE_PENALTY");
  const maxIllegal = num("CHESS_MAX_ILLEGAL_MOVES");
  return {
    opponent: raw("CHESS_OPPONENT")?.toLowerCase() as OpponentKind | undefined,
    opponentDepth: num("CHESS_OPPONENT_DEPTH"),
    stockfishSkill: num("CHESS_STOCKFISH_SKILL"),
    stockfishDepth: num("CHESS_STOCKFISH_DEPTH"),
    agentColor: raw("CHESS_AGENT_COLOR")?.toLowerCase() as Color | "random" | undefined,
    maxMoves: num("CHESS_MAX_MOVES"),
    illegalMoveEndsEpisode: ends === undefined
      ? undefined
      : ["1", "true", "yes"].includes(ends.toLowerCase()),
    maxIllegalMoves: maxIllegal === undefined ? undefined : maxIllegal === 0 ? null : maxIllegal,
    rewards: penalty === undefined ? undefined : { illegalMove: penalty },
  };
}
