/**
 * Wire models of the chess environment. The reference's fields (`move`;
 * `fen`, `legal_moves`, `is_check`, `result`; `fen`, `current_player`,
 * `move_history`) keep their names and meaning; the other fields are
 * additions that clients written for the reference ignore.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { validateFen } from "chess.js";
import { z } from "zod";

/** A side. */
export const Color: z.ZodEnum<{ white: "white"; black: "black" }> = z.enum(["white", "black"]);
/** A value of {@linkcode Color}. */
export type Color = z.infer<typeof Color>;

/** Opponent kinds: `none` is self-play (the agent moves both sides). */
export const OpponentKind: z.ZodEnum<{
  random: "random";
  minimax: "minimax";
  stockfish: "stockfish";
  none: "none";
}> = z.enum(["random", "minimax", "stockfish", "none"]);
/** A value of {@linkcode OpponentKind}. */
export type OpponentKind = z.infer<typeof OpponentKind>;

/** How a game ended. */
export const Termination: z.ZodEnum<{
  checkmate: "checkmate";
  stalemate: "stalemate";
  insufficient_material: "insufficient_material";
  threefold_repetition: "threefold_repetition";
  fifty_moves: "fifty_moves";
  max_moves: "max_moves";
  illegal_move: "illegal_move";
}> = z.enum([
  "checkmate",
  "stalemate",
  "insufficient_material",
  "threefold_repetition",
  "fifty_moves",
  "max_moves",
  "illegal_move",
]);
/** A value of {@linkcode Termination}. */
export type Termination = z.infer<typeof Termination>;

/** A chess action: one move in UCI (`e2e4`, `e7e8q`) or SAN (`Nf3`, `O-O`). */
export const ChessAction: z.ZodObject<
  typeof ActionSchema.shape & { move: z.ZodString },
  z.core.$strict
> = ActionSchema.extend({
  move: z.string().min(1).max(16).describe(
    "Move in UCI notation (e.g. 'e2e4', 'e7e8q'); SAN ('Nf3', 'O-O') is accepted too",
  ),
}).describe("Action for the chess environment: one move.");

/** A value of {@linkcode ChessAction}. */
export type ChessAction = z.infer<typeof ChessAction>;

/** What the agent sees after each move. */
export const ChessObservation: z.ZodObject<
  typeof ObservationSchema.shape & {
    fen: z.ZodDefault<z.ZodString>;
    legal_moves: z.ZodDefault<z.ZodArray<z.ZodString>>;
    is_check: z.ZodDefault<z.ZodBoolean>;
    result: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    board: z.ZodDefault<z.ZodString>;
    turn: z.ZodDefault<typeof Color>;
    agent_color: z.ZodDefault<typeof Color>;
    last_move: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    last_move_san: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    opponent_move: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    termination: z.ZodDefault<z.ZodNullable<typeof Termination>>;
    error: z.ZodDefault<z.ZodNullable<z.ZodString>>;
  },
  z.core.$strict
> = ObservationSchema.extend({
  fen: z.string().default("").describe("Position in FEN"),
  legal_moves: z.array(z.string()).default([]).describe("Legal moves of the side to move, in UCI"),
  is_check: z.boolean().default(false).describe("The side to move is in check"),
  result: z.string().nullable().default(null).describe(
    "'1-0', '0-1' or '1/2-1/2' once the game is over, else null",
  ),
  board: z.string().default("").describe("The board as text, white at the bottom"),
  turn: Color.default("white").describe("Side to move"),
  agent_color: Color.default("white").describe("Side the agent plays (both in self-play)"),
  last_move: z.string().nullable().default(null).describe("Last move played (UCI), by either side"),
  last_move_san: z.string().nullable().default(null).describe("Last move played, in SAN"),
  opponent_move: z.string().nullable().default(null).describe(
    "The opponent's reply to the agent's move (UCI), if it made one",
  ),
  termination: Termination.nullable().default(null).describe("Why the game ended, if it did"),
  error: z.string().nullable().default(null).describe(
    "Why the move was rejected (illegal or unparsable), else null",
  ),
}).describe("Observation from the chess environment: the position after the move.");

/** A value of {@linkcode ChessObservation}. */
export type ChessObservation = z.infer<typeof ChessObservation>;

/** State of the chess environment. */
export const ChessState: z.ZodObject<
  typeof StateSchema.shape & {
    fen: z.ZodDefault<z.ZodString>;
    current_player: z.ZodDefault<typeof Color>;
    move_history: z.ZodDefault<z.ZodArray<z.ZodString>>;
    agent_color: z.ZodDefault<typeof Color>;
    opponent: z.ZodDefault<typeof OpponentKind>;
    illegal_move_count: z.ZodDefault<z.ZodNumber>;
    result: z.ZodDefault<z.ZodNullable<z.ZodString>>;
  },
  z.core.$loose
> = StateSchema.extend({
  fen: z.string().default("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"),
  current_player: Color.default("white"),
  move_history: z.array(z.string()).default([]).describe("Moves of the episode in UCI"),
  agent_color: Color.default("white"),
  opponent: OpponentKind.default("minimax"),
  illegal_move_count: z.number().int().min(0).default(0),
  result: z.string().nullable().default(null),
});

/** A value of {@linkcode ChessState}. */
export type ChessState = z.infer<typeof ChessState>;

/** Options a client may pass to `reset` (besides `seed` and `episode_id`). */
export const ChessResetOptions: z.ZodObject<{
  fen: z.ZodOptional<z.ZodString>;
  agent_color: z.ZodOptional<z.ZodEnum<{ white: "white"; black: "black"; random: "random" }>>;
  opponent: z.ZodOptional<typeof OpponentKind>;
  opponent_depth: z.ZodOptional<z.ZodNumber>;
  stockfish_skill: z.ZodOptional<z.ZodNumber>;
  stockfish_depth: z.ZodOptional<z.ZodNumber>;
}> = z.object({
  fen: z.string().refine((fen) => validateFen(fen).ok, {
    error: (issue) => `Invalid FEN: ${validateFen(String(issue.input)).error}`,
  }).optional().describe("Start from this position"),
  agent_color: z.enum(["white", "black", "random"]).optional().describe("Side the agent plays"),
  opponent: OpponentKind.optional().describe("Opponent for this episode"),
  opponent_depth: z.number().int().min(1).max(4).optional().describe("Search depth of minimax"),
  stockfish_skill: z.number().int().min(0).max(20).optional().describe("Stockfish skill level"),
  stockfish_depth: z.number().int().min(1).max(30).optional().describe("Stockfish search depth"),
});
