import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ProcessProvider } from "@openenv/core/providers";
import { openRawSocket } from "@openenv/core/testing";

interface Reply {
  type: string;
  data: { observation: { opponent_move: string | null; error: string | null }; message?: string };
}

Deno.test("the process provider runs the chess env bundled, Stockfish included", async () => {
  await using provider = new ProcessProvider();
  const module = new URL(".", import.meta.url).pathname;
  await using bundled = await provider.start({ module, env: { CHESS_OPPONENT: "minimax" } });
  assert.ok(!bundled.args.some((a) => a.startsWith("--allow-read")));
  const ws = await openRawSocket(`${bundled.baseUrl.replace("http", "ws")}/ws`);
  try {
    await ws.request({ type: "reset", data: { seed: 2 } }, 30_000);
    const step = await ws.request({ type: "step", data: { move: "e2e4" } }, 30_000) as Reply;
    assert.ok(step.data.observation.opponent_move);
  } finally {
    await ws.close();
  }

  // Stockfish reads its engine files: the bundled server gets their
  // directory and read access to it, nothing more.
  await import("stockfish");
  const stockfishDir = dirname(fileURLToPath(import.meta.resolve("stockfish")));
  await using cached = await provider.start({
    module,
    env: {
      CHESS_OPPONENT: "stockfish",
      CHESS_STOCKFISH_DEPTH: "4",
      CHESS_STOCKFISH_DIR: stockfishDir,
    },
    permissions: { read: [stockfishDir] },
  });
  assert.ok(cached.args.includes(`--allow-read=${stockfishDir}`));
  const ws2 = await openRawSocket(`${cached.baseUrl.replace("http", "ws")}/ws`);
  try {
    await ws2.request({ type: "reset", data: {} }, 30_000);
    const step = await ws2.request({ type: "step", data: { move: "d4" } }, 60_000) as Reply;
    assert.equal(step.type, "observation", JSON.stringify(step.data));
    assert.match(step.data.observation.opponent_move ?? "", /^[a-h][1-8][a-h][1-8]$/);
  } finally {
    await ws2.close();
  }
});
