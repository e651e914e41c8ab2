import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import { AtariEnvironment } from "./atari_environment.ts";
import { AtariAction, AtariObservation, AtariResetOptions } from "./models.ts";
import { atariPython } from "./_test_python.ts";

const python = await atariPython();
const act = (action_id: number) => ({ action_id, metadata: {} });
const decode = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

Deno.test("Pong: a scripted policy loses points over a few hundred steps", async () => {
  await using env = new AtariEnvironment({
    python,
    game: "pong",
    obs_type: "ram",
  });
  const first = await env.reset({ seed: 1 });
  assert.deepEqual(first.action_meanings, [
    "NOOP",
    "FIRE",
    "RIGHT",
    "LEFT",
    "RIGHTFIRE",
    "LEFTFIRE",
  ]);
  assert.deepEqual(first.screen_shape, [128]);
  let total = 0;
  const rewards = new Set<number>();
  for (let i = 0; i < 400; i++) {
    const obs = await env.step(act(i % 20 < 10 ? 2 : 3)); // paddle up and down
    total += obs.reward as number;
    rewards.add(obs.reward as number);
    assert.equal(obs.done, false);
  }
  assert.ok(
    total <= -1,
    `expected the opponent to score, total reward ${total}`,
  );
  for (const r of rewards) {
    assert.ok([-1, 0, 1].includes(r), `unexpected Pong reward ${r}`);
  }
  assert.equal(env.state.step_count, 400);
  assert.equal(env.state.game_name, "pong");
});

Deno.test("Breakout: lives fall and the game ends", async () => {
  await using env = new AtariEnvironment({
    python,
    game: "breakout",
    obs_type: "ram",
    frameskip: 4,
  });
  let obs = await env.reset({ seed: 3 });
  assert.equal(obs.lives, 5);
  const lives = new Set<number>([obs.lives]);
  let steps = 0;
  let score = 0;
  while (!obs.done && steps < 5000) {
    obs = await env.step(act(steps % 2 === 0 ? 1 : 0)); // FIRE to serve, then wait
    lives.add(obs.lives);
    score += obs.reward as number;
    steps++;
  }
  assert.equal(obs.done, true, `game not over after ${steps} steps`);
  assert.equal(obs.lives, 0);
  assert.deepEqual([...lives].sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok(score >= 0);
  // A reset starts a fresh game.
  const again = await env.reset({});
  assert.equal(again.lives, 5);
  assert.equal(again.episode_frame_number, 0);
});

Deno.test("AtariEnvironment encodes screens as base64, PNG or the reference's list", async () => {
  await using env = new AtariEnvironment({ python, game: "pong" });
  const raw = await env.reset({ obs_type: "rgb", screen_encoding: "base64" });
  assert.deepEqual(raw.screen_shape, [210, 160, 3]);
  assert.equal(decode(raw.screen_data!).length, 210 * 160 * 3);
  assert.deepEqual(raw.screen, []);

  const png = await env.reset({
    obs_type: "grayscale",
    screen_encoding: "png",
  });
  const bytes = decode(png.screen_data!);
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(16), 160); // IHDR width
  assert.equal(view.getUint32(20), 210); // IHDR height
  assert.ok(
    bytes.length < 210 * 160 / 4,
    `PNG should be compact, got ${bytes.length} bytes`,
  );

  const list = await env.reset({ obs_type: "ram", screen_encoding: "list" });
  assert.equal(list.screen.length, 128);
  assert.equal(list.screen_data, null);
});

Deno.test("AtariEnvironment applies frameskip, full action space, mode and difficulty", async () => {
  await using env = new AtariEnvironment({ python, obs_type: "ram" });
  await env.reset({
    game: "breakout",
    frameskip: 2,
    full_action_space: true,
    mode: 4,
    difficulty: 1,
  });
  const before = await env.step(act(0));
  const obs = await env.step(act(0));
  assert.equal(obs.episode_frame_number - before.episode_frame_number, 2);
  assert.equal(obs.legal_actions.length, 18);
  assert.equal(env.state.mode, 4);
  assert.equal(env.state.difficulty, 1);
  await assert.rejects(
    () => env.reset({ game: "breakout", mode: 99 }),
    /mode 99 is not one of/,
  );
  await assert.rejects(
    () => env.reset({ game: "no_such_game" }),
    /unknown game 'no_such_game'/,
  );
  // The worker survives errors.
  const ok = await env.reset({ game: "pong", frameskip: 4 });
  assert.equal(ok.game_name, "pong");
});

Deno.test("Atari over /ws: options at reset, bad actions answered, session goes on", async () => {
  const app = createApp(() => new AtariEnvironment({ python }), {
    action: AtariAction,
    observation: AtariObservation,
    resetOptions: AtariResetOptions,
  });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  const reset = await ws.request({
    type: "reset",
    data: { game: "breakout", obs_type: "ram", bogus_option: 1 },
  }, 20000) as { data: { observation: { game_name: string; lives: number } } };
  assert.equal(reset.data.observation.game_name, "breakout");
  assert.equal(reset.data.observation.lives, 5);
  const bad = await ws.request(
    { type: "step", data: { action_id: 42 } },
    20000,
  ) as {
    data: { code: string; message: string };
  };
  assert.equal(bad.data.code, "EXECUTION_ERROR");
  assert.match(
    bad.data.message,
    /action_id 42 is out of range: this game has 4 actions/,
  );
  const badOption = await ws.request({
    type: "reset",
    data: { frameskip: 0 },
  }) as {
    data: { code: string };
  };
  assert.equal(badOption.data.code, "VALIDATION_ERROR");
  const good = await ws.request(
    { type: "step", data: { action_id: 1 } },
    20000,
  ) as {
    type: string;
  };
  assert.equal(good.type, "observation");
});
