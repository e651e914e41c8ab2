// The Atari image built from envs/atari/Dockerfile (Deno server + Python with
// ale-py), run by our DockerProvider: Breakout with RAM observations over
// /ws, and the container is gone after.
import assert from "node:assert/strict";
import { DockerProvider } from "@openenv/core/providers/docker";
import { openRawSocket } from "@openenv/core/testing";
import { buildEnvImage, containerExists } from "../coding/_test_docker.ts";

interface Step {
  type: string;
  data: {
    observation: {
      game_name: string;
      screen_shape: number[];
      screen_encoding: string;
      screen_data: string | null;
      legal_actions: number[];
      action_meanings: string[];
      lives: number;
      episode_frame_number: number;
    };
    reward: number | null;
    done: boolean;
    message?: string;
  };
}

const decodeBase64 = (text: string): Uint8Array =>
  Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

Deno.test("the Atari image plays Breakout with RAM observations", async () => {
  const image = await buildEnvImage("atari");
  let id = "";
  {
    await using docker = new DockerProvider();
    // The image defaults to Pong; the reset below switches the game.
    await using env = await docker.start({ image, healthTimeoutMs: 60_000 });
    id = env.id;
    assert.ok(await containerExists(id));
    const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
    try {
      const reset = await ws.request({
        type: "reset",
        data: { game: "breakout", obs_type: "ram", frameskip: 4, seed: 3 },
      }, 60_000) as Step;
      assert.equal(reset.type, "observation", reset.data.message);
      const first = reset.data.observation;
      assert.equal(first.game_name, "breakout");
      assert.deepEqual(first.screen_shape, [128]);
      assert.equal(first.screen_encoding, "base64");
      const ram0 = decodeBase64(first.screen_data ?? "");
      assert.equal(ram0.length, 128);
      assert.deepEqual(first.action_meanings, ["NOOP", "FIRE", "RIGHT", "LEFT"]);
      assert.deepEqual(first.legal_actions, [0, 1, 2, 3]);
      assert.equal(first.lives, 5);
      assert.equal(first.episode_frame_number, 0);

      let last = reset;
      let score = 0;
      const n = 40;
      for (let i = 0; i < n; i++) {
        // FIRE serves the ball, then move right and left.
        const action_id = i === 0 ? 1 : i % 3 === 0 ? 2 : 3;
        last = await ws.request({ type: "step", data: { action_id } }, 30_000) as Step;
        assert.equal(last.type, "observation", last.data.message);
        assert.equal(typeof last.data.reward, "number");
        assert.ok(last.data.reward! >= 0, `Breakout rewards are not negative: ${last.data.reward}`);
        score += last.data.reward!;
      }
      const obs = last.data.observation;
      assert.equal(obs.episode_frame_number, 4 * n, "frameskip 4: four frames per step");
      assert.equal(last.data.done, false);
      assert.ok(obs.lives >= 4 && obs.lives <= 5, `lives ${obs.lives}`);
      assert.ok(score >= 0);
      const ram = decodeBase64(obs.screen_data ?? "");
      assert.equal(ram.length, 128);
      assert.notDeepEqual(ram, ram0, "the RAM changes as the game runs");

      // A bad action is refused with a clear error; the session survives.
      const bad = await ws.request({ type: "step", data: { action_id: 99 } }, 30_000) as {
        type: string;
      };
      assert.equal(bad.type, "error");
      assert.match(JSON.stringify(bad), /action_id 99 is out of range/);
      const state = await ws.request({ type: "state" }, 10_000) as {
        data: { game_name: string; obs_type: string; step_count: number; frameskip: number };
      };
      assert.equal(state.data.game_name, "breakout");
      assert.equal(state.data.obs_type, "ram");
      assert.equal(state.data.frameskip, 4);
      assert.equal(state.data.step_count, n);
    } finally {
      await ws.close();
    }
  }
  assert.equal(await containerExists(id), false, `container ${id} was not removed`);
});
