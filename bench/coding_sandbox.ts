/**
 * The coding environment's Python sandbox: how long an interpreter takes to
 * start cold (Pyodide loading its wasm and standard library) against a start
 * from the memory snapshot (the baseline is the cold start, measured in the
 * same run), plus the round trip of a trivial step and of a timeout that
 * keeps the interpreter (interrupt) against one that restarts it (kill).
 *
 * ```sh
 * deno run -A bench/coding_sandbox.ts           # writes bench/results/coding_sandbox.json
 * deno run -A bench/coding_sandbox.ts --smoke   # one round
 * ```
 *
 * @module
 */
import { fmt, parseBenchArgs, writeResult } from "./_cli.ts";
import { median } from "./_stats.ts";
import { PythonSandbox } from "../envs/coding/python_sandbox.ts";

const args = parseBenchArgs();
const rounds = args.smoke ? 1 : (args.rounds ?? 3);

async function timeStart(snapshot: boolean): Promise<number> {
  const t = performance.now();
  const py = await PythonSandbox.start({ snapshot, bubblewrap: false });
  const ms = performance.now() - t;
  await py.close();
  return ms;
}

// The first snapshot start also makes the snapshot: warm it up outside the rounds.
await (await PythonSandbox.start({ bubblewrap: false })).close();
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < rounds; i++) {
  cold.push(await timeStart(false));
  warm.push(await timeStart(true));
}

await using py = await PythonSandbox.start({ bubblewrap: false });
await py.run("x = 0");
const steps: number[] = [];
for (let i = 0; i < (args.smoke ? 20 : 300); i++) {
  const t = performance.now();
  await py.run("x += 1");
  steps.push(performance.now() - t);
}
const t0 = performance.now();
const interrupted = await py.run("while True: pass", { timeoutMs: 500 });
const interruptMs = performance.now() - t0 - 500;

const data = {
  config: { rounds },
  cold_start_ms: median(cold),
  snapshot_start_ms: median(warm),
  snapshot_speedup: median(cold) / median(warm),
  step_round_trip_ms: median(steps),
  interrupt_latency_ms: interruptMs,
  interrupt_kept_interpreter: !interrupted.interpreterLost,
};
console.log(
  `start: cold ${fmt(data.cold_start_ms)} ms, snapshot ${fmt(data.snapshot_start_ms)} ms ` +
    `(${fmt(data.snapshot_speedup)}x faster)\nstep round trip: ${
      fmt(data.step_round_trip_ms)
    } ms\n` +
    `timeout interrupt: ${
      fmt(interruptMs)
    } ms after the limit, interpreter kept: ${data.interrupt_kept_interpreter}`,
);
console.log(await writeResult(args, "coding_sandbox", data));
