/**
 * Atari steps per second: ale-py driven directly from Python (the baseline)
 * against our environment (Deno -> Python worker) in process and over /ws,
 * all in one run with the same game and options.
 *
 * Run: deno run -A bench/atari_throughput.ts [--smoke] [--out DIR]; writes
 * `atari_throughput.json` for `bench/report.ts`.
 *
 * @module
 */
import { parseBenchArgs, writeResult } from "./_cli.ts";
import { createApp } from "../server/mod.ts";
import { openRawSocket, startTestServer } from "../testing/mod.ts";
import { AtariEnvironment } from "../envs/atari/atari_environment.ts";
import { AtariAction, AtariObservation, AtariResetOptions } from "../envs/atari/models.ts";

const args = parseBenchArgs();
const steps = args.smoke ? 50 : 2000;
const setup = await new Deno.Command("bash", {
  args: [new URL("../envs/atari/setup.sh", import.meta.url).pathname],
  stdout: "piped",
  stderr: "inherit",
}).output();
const python = new TextDecoder().decode(setup.stdout).trim();
const options = { game: "pong", obs_type: "grayscale" as const, frameskip: 4 };

const direct = `
import time, ale_py
from ale_py import ALEInterface, roms
ale = ALEInterface(); ale.setLoggerMode(ale_py.LoggerMode.Error)
ale.loadROM(roms.get_rom_path("pong")); acts = ale.getMinimalActionSet()
t = time.perf_counter()
for i in range(${steps}):
    for _ in range(4): ale.act(acts[i % len(acts)])
    ale.getScreenGrayscale().tobytes()
    if ale.game_over(): ale.reset_game()
print(${steps} / (time.perf_counter() - t))
`;
const out = await new Deno.Command(python, {
  args: ["-c", direct],
  stdout: "piped",
  stderr: "null",
})
  .output();
const baseline = Number(new TextDecoder().decode(out.stdout).trim());

const env = new AtariEnvironment({ python, ...options });
await env.reset({});
let t = performance.now();
for (let i = 0; i < steps; i++) {
  await env.step({ action_id: i % 6, metadata: {} });
}
const inProcess = steps / ((performance.now() - t) / 1000);
await env.close();

const app = createApp(() => new AtariEnvironment({ python, ...options }), {
  action: AtariAction,
  observation: AtariObservation,
  resetOptions: AtariResetOptions,
});
const server = startTestServer(app);
const ws = await openRawSocket(server.wsUrl);
await ws.request({ type: "reset", data: {} }, 30000);
t = performance.now();
for (let i = 0; i < steps; i++) {
  await ws.request({ type: "step", data: { action_id: i % 6 } });
}
const overWs = steps / ((performance.now() - t) / 1000);
await ws.close();
await server.close();

const data = {
  game: "pong",
  obs_type: "grayscale",
  frameskip: 4,
  steps,
  steps_per_s: { ale_py_direct: baseline, ours_in_process: inProcess, ours_over_ws: overWs },
  ratio_vs_direct: { in_process: inProcess / baseline, over_ws: overWs / baseline },
};
console.log(JSON.stringify(data, null, 2));
console.log(`wrote ${await writeResult(args, "atari_throughput", data)}`);
