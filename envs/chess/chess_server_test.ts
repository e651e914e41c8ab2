// Full episodes over /ws with our server on a real socket.
import assert from "node:assert/strict";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import { createChessApp } from "./app.ts";

interface Reply {
  type: string;
  data: {
    observation: Record<string, unknown> & { legal_moves: string[]; fen: string };
    reward: number | null;
    done: boolean;
    code?: string;
    message?: string;
  };
}

Deno.test("chess over /ws: self-play mate, a full Stockfish game, bad input answered", async () => {
  await using server = startTestServer(createChessApp({ opponent: "minimax" }));
  await using ws = await openRawSocket(server.wsUrl);
  const send = async (message: unknown) => await ws.request(message, 30_000) as Reply;

  // Fool's mate in self-play, chosen per episode through reset options.
  let reply = await send({ type: "reset", data: { opponent: "none", seed: 1 } });
  assert.equal(reply.type, "observation");
  assert.equal(reply.data.observation.legal_moves.length, 20);
  for (const move of ["f3", "e7e5", "g2g4", "Qh4#"]) {
    reply = await send({ type: "step", data: { move } });
  }
  assert.equal(reply.data.done, true);
  assert.equal(reply.data.reward, 1);
  assert.equal(reply.data.observation.result, "0-1");
  assert.equal(reply.data.observation.termination, "checkmate");

  // A bad FEN is refused with a validation error; the session goes on.
  const bad = await send({ type: "reset", data: { fen: "8/8/8/8 w - - 0 1" } });
  assert.equal(bad.type, "error");
  assert.equal(bad.data.code, "VALIDATION_ERROR");

  // A whole game against Stockfish, the agent playing black from a FEN.
  reply = await send({
    type: "reset",
    data: { opponent: "stockfish", stockfish_skill: 20, stockfish_depth: 6, agent_color: "black" },
  });
  assert.equal(reply.data.observation.agent_color, "black");
  assert.ok(reply.data.observation.opponent_move, "Stockfish opens as white");
  const illegal = await send({ type: "step", data: { move: "e1e8" } });
  assert.equal(illegal.data.reward, -0.1);
  assert.equal(illegal.data.done, false);
  assert.match(String(illegal.data.observation.error), /^Illegal move 'e1e8' for black/);
  let plies = 0;
  while (!reply.data.done && plies < 150) {
    reply = await send({ type: "step", data: { move: reply.data.observation.legal_moves.at(-1) } });
    assert.equal(reply.type, "observation");
    plies++;
  }
  assert.equal(reply.data.done, true);
  assert.equal(reply.data.observation.result, "1-0");
  assert.equal(reply.data.reward, -1);
  const metadata = reply.data.observation.metadata as Record<string, unknown>;
  assert.equal((metadata.discounted_rewards as number[]).length, plies);
  const state = await ws.request({ type: "state" }, 10_000) as { data: Record<string, unknown> };
  assert.equal(state.data.result, "1-0");
  assert.equal(state.data.opponent, "stockfish");
  assert.equal((state.data.move_history as string[]).length, state.data.step_count);
});

Deno.test("chess over HTTP: schema, metadata and a one-shot reset", async () => {
  await using server = startTestServer(createChessApp({ opponent: "random" }));
  const schema = await (await fetch(`${server.url}/schema`)).json();
  assert.deepEqual(schema.action.required, ["move"]);
  assert.ok("legal_moves" in schema.observation.properties);
  const metadata = await (await fetch(`${server.url}/metadata`)).json();
  assert.equal(metadata.name, "chess_env");
  const reset = await fetch(`${server.url}/reset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ fen: "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1" }),
  });
  const body = await reset.json();
  assert.equal(body.observation.fen, "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1");
  assert.ok(body.observation.legal_moves.includes("a1a8"));
});

Deno.test("chess metadata carries the README without its front matter", async () => {
  await using server = startTestServer(createChessApp());
  const metadata = await (await fetch(`${server.url}/metadata`)).json();
  assert.match(metadata.readme_content, /^# Chess environment/);
});
