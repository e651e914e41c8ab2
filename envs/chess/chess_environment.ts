/**
 * The chess environment: the agent plays one side against an opponent (or
 * both sides in self-play), one move per step, under the full rules of chess
 * (chess.js): check, mate, stalemate, the fifty-move rule, threefold
 * repetition, insufficient material, promotion, castling, en passant.
 *
 * @module
 */
import { Chess, DEFAULT_POSITION, type Move } from "chess.js";
import {
  Environment,
  type EnvironmentMetadata,
  type ResetOptions,
  type StepOptions,
} from "@openenv/core";
import { createPrng, pick } from "./_prng.ts";
import {
  type ChessConfig,
  chessConfigFromEnv,
  type ChessConfigInput,
  resolveChessConfig,
} from "./config.ts";
import type {
  ChessAction,
  ChessObservation,
  ChessState,
  Color,
  OpponentKind,
  Termination,
} from "./models.ts";
import type { ChessOpponent } from "./opponent.ts";
import { createOpponent } from "./opponents.ts";
import { evaluatePosition } from "./minimax_opponent.ts";

/** Options for {@linkcode ChessEnvironment}. */
export interface ChessEnvironmentOptions extends ChessConfigInput {
  /** Read `CHESS_*` environment variables (explicit options win). @default {false} */
  fromEnv?: boolean;
}

const UCI = /^([a-h][1-8])([a-h][1-8])([qrbnQRBN])?$/;

const colorOf = (turn: "w" | "b"): Color => (turn === "w" ? "white" : "black");
const uciOf = (move: Move): string => move.from + move.to + (move.promotion ?? "");

/** The outcome of a finished game. */
interface Outcome {
  result: "1-0" | "0-1" | "1/2-1/2";
  termination: Termination;
  winner: Color | null;
}

/**
 * Plays chess, one move per step.
 *
 * @example A game against the random opponent
 * ```ts
 * import { ChessEnvironment } from "@openenv/chess";
 *
 * const env = new ChessEnvironment({ opponent: "random" });
 * let obs = await env.reset({ seed: 1 });
 * obs = await env.step({ move: "e2e4", metadata: {} });
 * console.log(obs.opponent_move, obs.legal_moves.length);
 * obs = await env.step({ move: "e9e9", metadata: {} }); // illegal: reward -0.1, game goes on
 * console.log(obs.error, obs.done); // "Illegal move ..." false
 * ```
 */
export class ChessEnvironment extends Environment<ChessAction, ChessObservation, ChessState> {
  /** The effective configuration. */
  readonly config: ChessConfig;
  #chess = new Chess();
  #startFen = DEFAULT_POSITION;
  #moves: string[] = [];
  #agentColor: Color = "white";
  #opponentKind: OpponentKind = "minimax";
  #opponent: ChessOpponent | null = null;
  #episodeId: string | null = null;
  #stepCount = 0;
  #illegalMoves = 0;
  #outcome: Outcome | null = null;
  #agentMoves = 0;

  /** Creates the environment; call `reset` to start a game. */
  constructor(options: ChessEnvironmentOptions = {}) {
    super();
    const { fromEnv = false, ...input } = options;
    const env = fromEnv ? chessConfigFromEnv() : {};
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    this.config = resolveChessConfig({
      ...env,
      ...defined,
      rewards: { ...env.rewards, ...input.rewards },
    });
    this.#opponentKind = this.config.opponent;
  }

  /**
   * Starts a game. Options (all optional): `seed` (opponent, colour draw and
   * opening), `fen` (start position), `agent_color` (`white`, `black`,
   * `random`), `opponent`, `opponent_depth`, `stockfish_skill`,
   * `stockfish_depth`. If the agent does not have the move, the opponent
   * moves first.
   *
   * @throws {RangeError} On an invalid FEN or option.
   */
  async reset(options: ResetOptions = {}): Promise<ChessObservation> {
    const seed = typeof options.seed === "number" ? options.seed : undefined;
    const prng = createPrng(seed);
    const fen = options.fen as string | undefined;
    const chess = new Chess();
    if (fen !== undefined) {
      try {
        chess.load(fen);
      } catch (error) {
        throw new RangeError(`Invalid FEN '${fen}': ${(error as Error).message}`);
      }
    }
    const color = (options.agent_color as Color | "random" | undefined) ?? this.config.agentColor;
    const agentColor: Color = color === "random" ? (prng() < 0.5 ? "white" : "black") : color;
    const kind = (options.opponent as OpponentKind | undefined) ?? this.config.opponent;
    const opponent = createOpponent(kind, {
      seed: seed === undefined ? undefined : Math.floor(prng() * 2 ** 32),
      depth: (options.opponent_depth as number | undefined) ?? this.config.opponentDepth,
      stockfishSkill: (options.stockfish_skill as number | undefined) ?? this.config.stockfishSkill,
      stockfishDepth: (options.stockfish_depth as number | undefined) ?? this.config.stockfishDepth,
    });

    this.#chess = chess;
    this.#startFen = chess.fen();
    this.#moves = [];
    this.#agentColor = agentColor;
    this.#opponentKind = kind;
    this.#opponent = opponent;
    this.#episodeId = options.episodeId ?? crypto.randomUUID();
    this.#stepCount = 0;
    this.#illegalMoves = 0;
    this.#outcome = null;
    this.#agentMoves = 0;

    // A seeded episode may open with a few random moves, the same for a seed.
    if (seed !== undefined && fen === undefined) {
      for (let i = 0; i < this.config.openingPlies && !chess.isGameOver(); i++) {
        const moves = chess.moves({ verbose: true }).map(uciOf).sort();
        chess.move(this.#parseUci(pick(prng, moves))!);
      }
      this.#startFen = chess.fen();
    }

    this.#outcome = this.#gameOutcome();
    let opponentMove: string | null = null;
    if (!this.#outcome && opponent && colorOf(chess.turn()) !== agentColor) {
      opponentMove = await this.#playOpponent(options.signal as AbortSignal | undefined);
      this.#outcome = this.#gameOutcome();
    }
    return this.#observe({ reward: 0, error: null, opponentMove });
  }

  /**
   * Plays the agent's move and, unless the game ended or this is self-play,
   * the opponent's reply. An illegal or unparsable move gets an `error`, the
   * `illegalMove` reward and leaves the board as it was; the game goes on
   * unless `illegalMoveEndsEpisode` is set or `maxIllegalMoves` is reached
   * (then the agent loses: `termination: "illegal_move"`).
   */
  async step(action: ChessAction, options: StepOptions = {}): Promise<ChessObservation> {
    const text = typeof action?.move === "string" ? action.move.trim() : "";
    if (this.#episodeId === null) await this.reset({});
    if (this.#outcome) {
      return this.#observe({
        reward: 0,
        error:
          `The game is over (${this.#outcome.result}, ${this.#outcome.termination}): reset to play again`,
        opponentMove: null,
      });
    }
    const mover = colorOf(this.#chess.turn());
    const move = this.#tryMove(text);
    if (typeof move === "string") {
      this.#illegalMoves++;
      const limit = this.config.maxIllegalMoves;
      if (this.config.illegalMoveEndsEpisode || (limit !== null && this.#illegalMoves >= limit)) {
        this.#outcome = {
          result: mover === "white" ? "0-1" : "1-0",
          termination: "illegal_move",
          winner: mover === "white" ? "black" : "white",
        };
      }
      return this.#observe({
        reward: this.config.rewards.illegalMove,
        error: move,
        opponentMove: null,
      });
    }
    this.#moves.push(uciOf(move));
    this.#stepCount++;
    this.#agentMoves++;
    this.#outcome = this.#gameOutcome();
    let opponentMove: string | null = null;
    if (!this.#outcome && this.#opponent) {
      try {
        opponentMove = await this.#playOpponent(options.signal);
      } catch (error) {
        // Take the agent's move back so nothing is lost; the client may retry.
        this.#chess.undo();
        this.#moves.pop();
        this.#stepCount--;
        this.#agentMoves--;
        throw error;
      }
      this.#outcome = this.#gameOutcome();
    }
    const viewpoint = this.#opponent ? this.#agentColor : mover;
    return this.#observe({ reward: this.#rewardFor(viewpoint), error: null, opponentMove });
  }

  async #playOpponent(signal?: AbortSignal): Promise<string> {
    const uci = await this.#opponent!.chooseMove({
      fen: this.#chess.fen(),
      startFen: this.#startFen,
      moves: [...this.#moves],
    }, signal);
    const parsed = this.#parseUci(uci);
    let move: Move;
    try {
      move = this.#chess.move(parsed ?? uci);
    } catch {
      throw new Error(
        `The ${this.#opponentKind} opponent answered an illegal move '${uci}' in '${this.#chess.fen()}'`,
      );
    }
    this.#moves.push(uciOf(move));
    this.#stepCount++;
    return uciOf(move);
  }

  #parseUci(text: string): { from: string; to: string; promotion?: string } | null {
    const match = UCI.exec(text);
    if (!match) return null;
    return { from: match[1], to: match[2], promotion: match[3]?.toLowerCase() };
  }

  /** Plays a move given in UCI or SAN; returns the move, or an error message. */
  #tryMove(text: string): Move | string {
    if (text === "") return "Empty move: send a move in UCI (e.g. 'e2e4') or SAN (e.g. 'Nf3')";
    const uci = this.#parseUci(text);
    try {
      return this.#chess.move(uci ?? text);
    } catch {
      const kind = uci ? "Illegal move" : "Illegal or unparsable move";
      return `${kind} '${text}' for ${colorOf(this.#chess.turn())} in '${this.#chess.fen()}': ` +
        `choose one of legal_moves (UCI), e.g. '${this.#legalMoves()[0] ?? "none"}'`;
    }
  }

  #legalMoves(): string[] {
    return this.#chess.moves({ verbose: true }).map(uciOf).sort();
  }

  #gameOutcome(): Outcome | null {
    const chess = this.#chess;
    if (chess.isCheckmate()) {
      const winner: Color = chess.turn() === "w" ? "black" : "white";
      return { result: winner === "white" ? "1-0" : "0-1", termination: "checkmate", winner };
    }
    const draw = (termination: Termination): Outcome => ({
      result: "1/2-1/2",
      termination,
      winner: null,
    });
    if (chess.isStalemate()) return draw("stalemate");
    if (chess.isInsufficientMaterial()) return draw("insufficient_material");
    if (chess.isThreefoldRepetition()) return draw("threefold_repetition");
    if (chess.isDrawByFiftyMoves()) return draw("fifty_moves");
    if (this.#stepCount >= this.config.maxMoves) return draw("max_moves");
    return null;
  }

  #rewardFor(viewpoint: Color): number {
    const outcome = this.#outcome;
    if (!outcome) return 0;
    if (outcome.winner === null) return this.config.rewards.draw;
    return outcome.winner === viewpoint ? this.config.rewards.win : this.config.rewards.loss;
  }

  #observe(
    { reward, error, opponentMove }: {
      reward: number;
      error: string | null;
      opponentMove: string | null;
    },
  ): ChessObservation {
    const chess = this.#chess;
    const history = chess.history({ verbose: true });
    const last = history.at(-1);
    const outcome = this.#outcome;
    const metadata: Record<string, unknown> = {
      evaluation: evaluatePosition(chess) * (this.#agentColor === "white" ? 1 : -1) / 100,
      fullmove_number: chess.moveNumber(),
      halfmove_clock: Number(chess.fen().split(" ")[4]),
      illegal_move_count: this.#illegalMoves,
      opponent: this.#opponentKind,
    };
    if (outcome && error === null) {
      const final = reward;
      const n = this.#agentMoves;
      metadata.gamma = this.config.gamma;
      metadata.discounted_rewards = Array.from(
        { length: n },
        (_, t) => Math.round(this.config.gamma ** (n - 1 - t) * final * 1e12) / 1e12,
      );
    }
    return {
      fen: chess.fen(),
      legal_moves: outcome ? [] : this.#legalMoves(),
      is_check: chess.inCheck(),
      result: outcome?.result ?? null,
      board: chess.ascii(),
      turn: colorOf(chess.turn()),
      agent_color: this.#agentColor,
      last_move: last ? uciOf(last) : null,
      last_move_san: last?.san ?? null,
      opponent_move: opponentMove,
      termination: outcome?.termination ?? null,
      error,
      done: outcome !== null,
      reward,
      metadata,
    };
  }

  /** Episode id, half-moves played (both sides), position, side to move and move history. */
  get state(): ChessState {
    return {
      episode_id: this.#episodeId,
      step_count: this.#stepCount,
      fen: this.#chess.fen(),
      current_player: colorOf(this.#chess.turn()),
      move_history: [...this.#moves],
      agent_color: this.#agentColor,
      opponent: this.#opponentKind,
      illegal_move_count: this.#illegalMoves,
      result: this.#outcome?.result ?? null,
    };
  }

  /** Name, description and version. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "chess_env",
      description:
        "Chess with full rules (chess.js) against a random, minimax or Stockfish opponent, or self-play.",
      version: "0.1.0",
    };
  }
}
