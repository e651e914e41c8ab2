// The chess image built from envs/chess/Dockerfile, run by our
// DockerProvider, with Stockfish as the opponent.
import assert from "node:assert/strict";
import { DockerProvider } from "@openenv/core/providers/docker";
import { openRawSocket } from "@openenv/core/testing";
import { buildEnvImage } from "../coding/_test_docker.ts";

Deno.test("the chess image plays Stockfish", async () => {
  const image = await buildEnvImage("chess");
  await using docker = new DockerProvider();
  await using env = await docker.start({
    image,
    env: { CHESS_OPPONENT: "stockfish", CHESS_STOCKFISH_DEPTH: "5" },
  });
  const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
  try {
    await ws.request({ type: "reset", data: { seed: 3 } }, 30_000);
    const step = await ws.request({ type: "step", data: { move: "e2e4" } }, 60_000) as {
      type: string;
      data: { observation: { opponent_move: string | null }; message?: string };
    };
    assert.equal(step.type, "observation", step.data.message);
    assert.match(step.data.observation.opponent_move ?? "", /^[a-h][1-8][a-h][1-8]$/);
    const state = await ws.request({ type: "state" }, 10_000) as {
      data: { opponent: string; move_history: string[] };
    };
    assert.equal(state.data.opponent, "stockfish");
    assert.equal(state.data.move_history.length, 2);
  } finally {
    await ws.close();
  }
  const web = await fetch(`${env.baseUrl}/web/view.js`);
  assert.equal(web.status, 200);
  await web.body?.cancel();
});
