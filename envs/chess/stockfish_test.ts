// A real Stockfish engine (npm `stockfish`, WASM lite-single) loaded by the
// environment on demand.
import assert from "node:assert/strict";
import { Chess } from "chess.js";
import { ChessEnvironment } from "./chess_environment.ts";
import { StockfishOpponent } from "./stockfish_opponent.ts";

// First in the file: the engine loads once per process.
Deno.test("loading Stockfish leaves the process's globals as they were", async () => {
  const g = globalThis as Record<string, unknown>;
  const before = {
    fetch: globalThis.fetch,
    xhr: "XMLHttpRequest" in globalThis,
    location: Object.getOwnPropertyDescriptor(g, "location"),
  };
  await new StockfishOpponent().warmUp();
  assert.equal(globalThis.fetch, before.fetch);
  assert.equal("XMLHttpRequest" in globalThis, before.xhr);
  assert.deepEqual(Object.getOwnPropertyDescriptor(g, "location"), before.location);
});

Deno.test("stockfish opponent finds mate in one and answers legally", async () => {
  const stockfish = new StockfishOpponent({ skill: 20, depth: 8 });
  const mate = "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1";
  assert.equal(await stockfish.chooseMove({ fen: mate, startFen: mate, moves: [] }), "a1a8");
  const start = new Chess().fen();
  const reply = await stockfish.chooseMove({ fen: start, startFen: start, moves: [] });
  assert.ok(new Chess().moves({ verbose: true }).some((m) => m.from + m.to === reply), reply);
  assert.throws(
    () => new StockfishOpponent({ skill: 21 }),
    /skill must be an integer from 0 to 20/,
  );
});

Deno.test("a real game against Stockfish: a few moves, then Stockfish mates a weak agent", async () => {
  const env = new ChessEnvironment({
    opponent: "stockfish",
    stockfishSkill: 20,
    stockfishDepth: 6,
  });
  let obs = await env.reset({ seed: 1 });
  // The agent plays the first legal move in UCI order: hopeless against Stockfish.
  let moves = 0;
  while (!obs.done && moves < 150) {
    const before = obs.fen;
    obs = await env.step({ move: obs.legal_moves[0], metadata: {} });
    moves++;
    assert.equal(obs.error, null);
    if (!obs.done) {
      assert.ok(obs.opponent_move, "Stockfish must reply");
      assert.notEqual(obs.fen, before);
    }
  }
  assert.equal(obs.done, true);
  assert.equal(obs.result, "0-1");
  assert.equal(obs.termination, "checkmate");
  assert.equal(obs.reward, -1);
  const history = env.state.move_history;
  const replay = new Chess();
  for (const m of history) replay.move({ from: m.slice(0, 2), to: m.slice(2, 4), promotion: m[4] });
  assert.equal(replay.isCheckmate(), true, "the recorded history replays to the same mate");
});
