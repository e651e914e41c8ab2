/**
 * The chess environment's typed client, {@linkcode ChessEnv}: an
 * `EnvClient` that checks actions and parses observations and state with the
 * chess schemas. Runtime-neutral (only `WebSocket`).
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "@openenv/core/client";
import { ChessAction, ChessObservation, ChessState } from "./models.ts";

/** Options of {@linkcode ChessEnv}: the client options, without schemas. */
export type ChessEnvOptions = Omit<
  EnvClientOptions<ChessAction, ChessObservation, ChessState>,
  "schemas"
>;

/**
 * A typed client for the chess environment.
 *
 * @example Play against Stockfish
 * ```ts ignore
 * import { ChessEnv } from "@openenv/chess";
 *
 * await using env = await ChessEnv.connect("http://127.0.0.1:8000");
 * let result = await env.reset({ opponent: "stockfish", stockfish_skill: 5 });
 * result = await env.move("e2e4");
 * console.log(result.observation.opponent_move, result.observation.fen);
 * ```
 */
export class ChessEnv extends EnvClient<ChessAction, ChessObservation, ChessState> {
  /**
   * Creates a client; it connects on the first call.
   *
   * @param baseUrl The chess server, for example `http://127.0.0.1:8000`.
   * @param options Time limits, headers, keepalive, reconnect policy.
   */
  constructor(baseUrl: string, options: ChessEnvOptions = {}) {
    super(baseUrl, {
      ...options,
      schemas: { action: ChessAction, observation: ChessObservation, state: ChessState },
    });
  }

  /**
   * Plays a move (UCI or SAN) and returns the result.
   *
   * @param move The move, e.g. `"e2e4"` or `"Nf3"`.
   * @returns The step result.
   *
   * @example
   * ```ts ignore
   * const { observation, reward, done } = await env.move("e7e8q");
   * ```
   */
  move(move: string): ReturnType<ChessEnv["step"]> {
    return this.step({ move, metadata: {} });
  }
}
