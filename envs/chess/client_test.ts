import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { ChessEnv, createChessApp } from "./mod.ts";

Deno.test("ChessEnv: a typed game through our server", async () => {
  await using server = startTestServer(createChessApp({ opponent: "random" }));
  await using env = await ChessEnv.connect(server.url);
  assert.ok(env instanceof ChessEnv);
  const first = await env.reset({ seed: 4, agent_color: "white" });
  assert.equal(first.observation.legal_moves.length, 20);
  const { observation, reward, done } = await env.move("Nf3");
  assert.match(observation.opponent_move ?? "", /^[a-h][1-8][a-h][1-8]$/);
  assert.equal(observation.last_move, observation.opponent_move);
  assert.equal(observation.turn, "white");
  assert.equal(reward, 0);
  assert.equal(done, false);
  const state = await env.state();
  assert.equal(state.move_history[0], "g1f3");
  assert.equal(state.step_count, 2);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => env.step({ uci: "e2e4" } as any), TypeError);
});
