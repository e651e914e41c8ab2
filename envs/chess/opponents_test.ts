import assert from "node:assert/strict";
import { Chess } from "chess.js";
import { MinimaxOpponent } from "./minimax_opponent.ts";
import { RandomOpponent } from "./random_opponent.ts";
import { createOpponent } from "./opponents.ts";

const at = (fen: string) => ({ fen, startFen: fen, moves: [] as string[] });
const START = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

function isLegal(fen: string, uci: string): boolean {
  return new Chess(fen).moves({ verbose: true }).some((m) =>
    m.from + m.to + (m.promotion ?? "") === uci
  );
}

Deno.test("random opponent: legal, seeded, varied", async () => {
  const a = new RandomOpponent({ seed: 5 });
  const b = new RandomOpponent({ seed: 5 });
  const movesA: string[] = [];
  const movesB: string[] = [];
  for (let i = 0; i < 20; i++) {
    movesA.push(await a.chooseMove(at(START)));
    movesB.push(await b.chooseMove(at(START)));
  }
  assert.deepEqual(movesA, movesB);
  assert.ok(movesA.every((m) => isLegal(START, m)));
  assert.ok(new Set(movesA).size > 5, "twenty draws should not all be the same");
  await assert.rejects(
    a.chooseMove(at("7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")),
    /No legal move in position/,
  );
});

Deno.test("minimax opponent: takes free material, mates in one, avoids hanging its queen", async () => {
  const opponent = new MinimaxOpponent({ depth: 2, seed: 1 });
  // Black to move can take the white queen on d4 with the e5 pawn.
  const capture = "rnbqkbnr/pppp1ppp/8/4p3/3Q4/8/PPP1PPPP/RNB1KBNR b KQkq - 0 1";
  assert.equal(await opponent.chooseMove(at(capture)), "e5d4");
  assert.equal(await opponent.chooseMove(at("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1")), "a1a8");
  // White queen attacked by a pawn must move (or be defended): never left en prise.
  const attacked = "rnbqkbnr/ppp2ppp/8/3pp3/3Q4/8/PPP1PPPP/RNB1KBNR w KQkq - 0 1";
  const move = await opponent.chooseMove(at(attacked));
  const chess = new Chess(attacked);
  chess.move({ from: move.slice(0, 2), to: move.slice(2, 4) });
  const replies = chess.moves({ verbose: true });
  assert.ok(!replies.some((r) => r.captured === "q"), `after ${move} the queen hangs`);
  assert.throws(() => new MinimaxOpponent({ depth: 9 }), /depth must be an integer from 1 to 4/);
});

Deno.test("opponents are built by kind", () => {
  assert.equal(createOpponent("none", {}), null);
  assert.equal(createOpponent("random", {})?.kind, "random");
  assert.equal(createOpponent("minimax", { depth: 1 })?.kind, "minimax");
  assert.equal(createOpponent("stockfish", { stockfishSkill: 3 })?.kind, "stockfish");
});
