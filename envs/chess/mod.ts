/**
 * `@openenv/chess`: the chess environment. Full rules (chess.js), moves in
 * UCI or SAN, FEN in and out; opponents: seeded random, a built-in minimax
 * search, and Stockfish (WASM, loaded only when chosen); self-play; the agent
 * plays either colour.
 *
 * @example Play a few moves in process
 * ```ts
 * import { ChessEnvironment } from "@openenv/chess";
 *
 * const env = new ChessEnvironment({ opponent: "minimax", agentColor: "white" });
 * await env.reset({ seed: 42 });
 * const obs = await env.step({ move: "e4", metadata: {} }); // SAN works too
 * console.log(obs.last_move, obs.fen);
 * ```
 *
 * @module
 */
export * from "./models.ts";
export * from "./config.ts";
export * from "./opponent.ts";
export * from "./random_opponent.ts";
export * from "./minimax_opponent.ts";
export * from "./stockfish_opponent.ts";
export * from "./opponents.ts";
export * from "./chess_environment.ts";
export { type ChessAppOptions, createChessApp } from "./app.ts";
export * from "./client.ts";
export * from "./web_view.ts";
