// Rules edge cases through the environment (self-play unless an opponent is
// needed), each checked against the position the environment reports.
import assert from "node:assert/strict";
import { ChessEnvironment, type ChessEnvironmentOptions } from "./chess_environment.ts";
import type { ChessObservation } from "./models.ts";

async function play(
  moves: string[],
  options: ChessEnvironmentOptions & { fen?: string } = {},
): Promise<{ env: ChessEnvironment; last: ChessObservation }> {
  const { fen, ...config } = options;
  const env = new ChessEnvironment({ opponent: "none", ...config });
  let last = await env.reset(fen ? { fen } : {});
  for (const move of moves) last = await env.step({ move, metadata: {} });
  return { env, last };
}

Deno.test("checkmate ends the game and rewards the mover (fool's mate, self-play)", async () => {
  const { env, last } = await play(["f2f3", "e7e5", "g2g4", "d8h4"]);
  assert.equal(last.done, true);
  assert.equal(last.result, "0-1");
  assert.equal(last.termination, "checkmate");
  assert.equal(last.is_check, true);
  assert.equal(last.reward, 1);
  assert.deepEqual(last.legal_moves, []);
  assert.deepEqual(env.state.move_history, ["f2f3", "e7e5", "g2g4", "d8h4"]);
  const after = await env.step({ move: "e1f2", metadata: {} });
  assert.equal(after.done, true);
  assert.match(after.error ?? "", /^The game is over \(0-1, checkmate\): reset to play again/);
});

Deno.test("the agent mates, and gets mated, against an opponent", async () => {
  const win = await play(["a1a8"], {
    opponent: "minimax",
    fen: "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1",
  });
  assert.equal(win.last.result, "1-0");
  assert.equal(win.last.reward, 1);
  assert.equal(win.last.opponent_move, null);
  assert.deepEqual(win.last.metadata.discounted_rewards, [1]);
  // Black mates with Rb1 whatever quiet move white makes.
  const loss = await play(["a5a6"], {
    opponent: "minimax",
    fen: "1r4k1/8/8/P7/8/8/6PP/7K w - - 0 1",
  });
  assert.equal(loss.last.opponent_move, "b8b1");
  assert.equal(loss.last.result, "0-1");
  assert.equal(loss.last.termination, "checkmate");
  assert.equal(loss.last.reward, -1);
});

Deno.test("stalemate is a draw", async () => {
  const { last } = await play(["f1f7"], { fen: "7k/8/6K1/8/8/8/8/5Q2 w - - 0 1" });
  assert.equal(last.termination, "stalemate");
  assert.equal(last.result, "1/2-1/2");
  assert.equal(last.is_check, false);
  assert.equal(last.reward, 0);
});

Deno.test("threefold repetition is a draw", async () => {
  const shuffle = ["g1f3", "g8f6", "f3g1", "f6g8"];
  const early = await play([...shuffle, "g1f3", "g8f6", "f3g1"]);
  assert.equal(early.last.done, false);
  const { last } = await play([...shuffle, ...shuffle]);
  assert.equal(last.termination, "threefold_repetition");
  assert.equal(last.result, "1/2-1/2");
});

Deno.test("the fifty-move rule is a draw", async () => {
  const { last } = await play(["e1a1"], { fen: "8/8/8/4k3/8/8/4K3/4R3 w - - 99 80" });
  assert.equal(last.termination, "fifty_moves");
  assert.equal(last.done, true);
  // A pawn move resets the clock.
  const pawn = await play(["a2a3"], { fen: "8/8/8/4k3/8/8/P3K3/4R3 w - - 99 80" });
  assert.equal(pawn.last.done, false);
  assert.equal(pawn.last.metadata.halfmove_clock, 0);
});

Deno.test("insufficient material is a draw, also at reset", async () => {
  const { last } = await play(["e2d2"], { fen: "8/8/8/4k3/8/8/3nK3/8 w - - 0 1" });
  assert.equal(last.termination, "insufficient_material");
  const env = new ChessEnvironment({ opponent: "random" });
  const start = await env.reset({ fen: "8/8/8/4k3/8/8/4K3/8 w - - 0 1" });
  assert.equal(start.done, true);
  assert.equal(start.result, "1/2-1/2");
});

Deno.test("promotion: all four pieces, UCI and SAN, and no promotion piece is illegal", async () => {
  const fen = "8/4P3/8/8/8/k7/8/K7 w - - 0 1";
  const env = new ChessEnvironment({ opponent: "none" });
  const start = await env.reset({ fen });
  for (const piece of ["q", "r", "b", "n"]) assert.ok(start.legal_moves.includes(`e7e8${piece}`));
  const bare = await env.step({ move: "e7e8", metadata: {} });
  assert.match(bare.error ?? "", /^Illegal move 'e7e8'/);
  assert.equal(bare.fen, start.fen);
  const queen = await env.step({ move: "e7e8q", metadata: {} });
  assert.equal(queen.fen.split(" ")[0], "4Q3/8/8/8/8/k7/8/K7");
  assert.equal(queen.last_move_san, "e8=Q");
  const { last } = await play(["e8=N"], { fen });
  assert.equal(last.last_move, "e7e8n");
  assert.equal(last.fen.split(" ")[0], "4N3/8/8/8/8/k7/8/K7");
});

Deno.test("castling both ways, and never through an attacked square", async () => {
  const fen = "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1";
  const { last } = await play(["e1g1", "O-O-O"], { fen });
  assert.equal(last.fen, "2kr3r/8/8/8/8/8/8/R4RK1 w - - 2 2");
  const env = new ChessEnvironment({ opponent: "none" });
  const guarded = await env.reset({ fen: "r3k2r/8/8/8/8/8/5r2/R3K2R w KQkq - 0 1" });
  assert.ok(!guarded.legal_moves.includes("e1g1"));
  const refused = await env.step({ move: "e1g1", metadata: {} });
  assert.match(refused.error ?? "", /^Illegal move 'e1g1'/);
  assert.equal((await env.step({ move: "e1c1", metadata: {} })).last_move_san, "O-O-O");
});

Deno.test("en passant captures the passed pawn", async () => {
  const { last } = await play(["e2e4", "d4e3"], {
    fen: "rnbqkbnr/ppp1pppp/8/8/3p4/8/PPPPPPPP/RNBQKBNR w KQkq - 0 2",
  });
  assert.equal(last.last_move_san, "dxe3");
  assert.equal(last.fen.split(" ")[0], "rnbqkbnr/ppp1pppp/8/8/8/4p3/PPPP1PPP/RNBQKBNR");
});

Deno.test("illegal moves: error observation, penalty, board kept, episode goes on", async () => {
  const env = new ChessEnvironment({ opponent: "random" });
  const start = await env.reset({ seed: 3 });
  for (const move of ["e2e5", "hello", "Ke2", ""]) {
    const obs = await env.step({ move, metadata: {} });
    assert.equal(obs.reward, -0.1);
    assert.equal(obs.done, false);
    assert.equal(obs.fen, start.fen);
    assert.ok(obs.error && obs.error.length > 10, `error for '${move}'`);
    assert.equal(obs.legal_moves.length, 20);
  }
  assert.equal(env.state.illegal_move_count, 4);
  assert.equal(env.state.step_count, 0);
  const legal = await env.step({ move: "e2e4", metadata: {} });
  assert.equal(legal.error, null);
  assert.equal(env.state.step_count, 2);

  const strict = new ChessEnvironment({
    opponent: "random",
    illegalMoveEndsEpisode: true,
    rewards: { illegalMove: -1 },
  });
  await strict.reset({});
  const ended = await strict.step({ move: "e2e5", metadata: {} });
  assert.equal(ended.done, true);
  assert.equal(ended.reward, -1);
  assert.equal(ended.termination, "illegal_move");
  assert.equal(ended.result, "0-1");

  const capped = new ChessEnvironment({ opponent: "random", maxIllegalMoves: 3 });
  await capped.reset({ agent_color: "white" });
  assert.equal((await capped.step({ move: "a1a5", metadata: {} })).done, false);
  assert.equal((await capped.step({ move: "a1a5", metadata: {} })).done, false);
  const third = await capped.step({ move: "a1a5", metadata: {} });
  assert.equal(third.done, true);
  assert.equal(third.termination, "illegal_move");
  assert.equal(third.reward, -0.1);
});

Deno.test("the agent plays black: the opponent opens at reset", async () => {
  const env = new ChessEnvironment({ opponent: "random", agentColor: "black" });
  const obs = await env.reset({ seed: 11 });
  assert.equal(obs.agent_color, "black");
  assert.equal(obs.turn, "black");
  assert.ok(obs.opponent_move && /^[a-h][1-8][a-h][1-8]$/.test(obs.opponent_move));
  assert.equal(env.state.move_history.length, 1);
  const reply = await env.step({ move: obs.legal_moves[0], metadata: {} });
  assert.equal(reply.turn, "black");
});

Deno.test("seeds replay: colour draw, opening and opponent moves", async () => {
  const game = async () => {
    const env = new ChessEnvironment({ opponent: "random", agentColor: "random", openingPlies: 4 });
    let obs = await env.reset({ seed: 1234 });
    const fens = [obs.fen];
    for (let i = 0; i < 5 && !obs.done; i++) {
      obs = await env.step({ move: obs.legal_moves[0], metadata: {} });
      fens.push(obs.fen);
    }
    return { fens, history: env.state.move_history, color: env.state.agent_color };
  };
  const a = await game();
  const b = await game();
  assert.deepEqual(a, b);
  assert.ok(a.history.length >= 4);
});

Deno.test("reset from FEN and the move limit", async () => {
  const env = new ChessEnvironment({ opponent: "none", maxMoves: 2 });
  const fen = "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3";
  const start = await env.reset({ fen });
  assert.equal(start.fen, fen);
  assert.equal(env.state.fen, fen);
  assert.equal((await env.step({ move: "Bb5", metadata: {} })).done, false);
  const limit = await env.step({ move: "a7a6", metadata: {} });
  assert.equal(limit.termination, "max_moves");
  assert.equal(limit.result, "1/2-1/2");
  await assert.rejects(env.reset({ fen: "not a fen" }), /Invalid FEN 'not a fen'/);
  assert.equal(env.state.fen, limit.fen, "a rejected reset loses nothing");
});
