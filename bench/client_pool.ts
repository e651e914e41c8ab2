/**
 * Client overhead: `/ws` step throughput through `EnvPool` (the
 * `@openenv/core/client` pool) against a raw WebSocket load client, both on
 * our echo server running in its own process, in the same run.
 *
 * For 1, 8 and 64 sessions it measures, in interleaved rounds:
 *
 * - `raw`: bare WebSockets, each sending the next step as soon as its reply
 *   arrives (the baseline: no client library at all);
 * - `pool_closed_loop`: the same closed loop through each pool session's
 *   `step()` (the client's own overhead: queueing, matching, parsing, timers);
 * - `pool_step_all`: `pool.stepAll()` rounds, every session stepping once per
 *   round (how a batched rollout uses the pool; a round waits for its slowest
 *   session).
 *
 * Reports steps per second and the ratio to the baseline. Goal: the closed
 * loop keeps at least 2/3 of the raw throughput (ratio ≥ 0.67).
 *
 * It also measures the client's own CPU time per step (one session,
 * sequential, `process.cpuUsage()` of this process) against a bare WebSocket
 * loop doing the same JSON work: a figure that load on the machine disturbs
 * far less than throughput. Goal: at most 1.5x the bare loop's CPU.
 *
 * ```sh
 * deno run -A bench/client_pool.ts           # full run, writes bench/results/client_pool.json
 * deno run -A bench/client_pool.ts --smoke   # proves the script works
 * ```
 *
 * @module
 */
import process from "node:process";
import { EnvClient, EnvPool } from "@openenv/core/client";
import { fmt, parseBenchArgs, writeResult } from "./_cli.ts";
import { wsThroughput } from "./_load.ts";
import { startDenoServer } from "./_process.ts";
import { median } from "./_stats.ts";

/** Session counts measured. */
export const SIZES = [1, 8, 64] as const;

/** Steps per second of each mode at one size (median over rounds). */
export interface SizeResult {
  /** Bare WebSockets, closed loop. */
  raw: number;
  /** Pool sessions, closed loop per session. */
  pool_closed_loop: number;
  /** `stepAll()` rounds. */
  pool_step_all: number;
  /** `pool_closed_loop / raw`. */
  ratio_closed_loop: number;
  /** `pool_step_all / raw`. */
  ratio_step_all: number;
}

/** CPU time of this process per step, one session stepping sequentially (median over rounds). */
export interface CpuResult {
  /** Bare WebSocket loop, in microseconds. */
  raw_us: number;
  /** `EnvClient.step()`, in microseconds. */
  client_us: number;
  /** `client_us / raw_us`. */
  ratio: number;
}

/** The `data` of `client_pool.json`. */
export interface ClientPoolData {
  /** Run parameters. */
  config: Record<string, number>;
  /** Results per session count. */
  sizes: Record<string, SizeResult>;
  /** Client CPU per step. */
  cpu: CpuResult;
  /** Each goal and whether it was met. */
  goals: { name: string; limit: number; ratio: number; met: boolean }[];
}

type Msg = { message: string };

async function poolClosedLoop(
  url: string,
  size: number,
  warmupMs: number,
  durationMs: number,
): Promise<number> {
  await using pool = await EnvPool.connect<Msg>({
    urls: url,
    size,
    client: { messageTimeoutS: 30 },
  });
  await pool.resetAll();
  let measuring = false;
  let stopped = false;
  let steps = 0;
  const loop = async (i: number) => {
    const env = pool.session(i);
    while (!stopped) {
      await env.step({ message: "hello" });
      if (measuring && !stopped) steps++;
    }
  };
  const loops = pool.indices.map(loop);
  await new Promise((r) => setTimeout(r, warmupMs));
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  stopped = true;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(loops);
  return steps / seconds;
}

async function poolStepAll(
  url: string,
  size: number,
  warmupMs: number,
  durationMs: number,
): Promise<number> {
  await using pool = await EnvPool.connect<Msg>({
    urls: url,
    size,
    client: { messageTimeoutS: 30 },
  });
  await pool.resetAll();
  const actions = pool.indices.map(() => ({ message: "hello" }));
  const until = (ms: number) => performance.now() + ms;
  for (const end = until(warmupMs); performance.now() < end;) await pool.stepAll(actions);
  let steps = 0;
  const start = performance.now();
  for (const end = until(durationMs); performance.now() < end;) {
    const out = await pool.stepAll(actions);
    const failed = out.filter((o) => o.status === "rejected");
    if (failed.length) throw (failed[0] as PromiseRejectedResult).reason;
    steps += size;
  }
  return steps / ((performance.now() - start) / 1000);
}

const STEP = JSON.stringify({ type: "step", data: { message: "hello" } });

function cpuUs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

/** CPU microseconds per step of a bare WebSocket loop (send, wait, parse). */
async function rawCpuPerStep(wsUrl: string, steps: number): Promise<number> {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`Cannot connect to ${wsUrl}`));
  });
  let deliver: (data: string) => void = () => {};
  ws.onmessage = (e) => deliver(e.data);
  ws.send(JSON.stringify({ type: "reset", data: {} }));
  await new Promise<string>((r) => (deliver = r));
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const reply = new Promise<string>((r) => (deliver = r));
    ws.send(STEP);
    const frame = JSON.parse(await reply);
    if (frame.type !== "observation") throw new Error(`Unexpected reply: ${JSON.stringify(frame)}`);
  }
  const used = cpuUs(start);
  ws.close();
  return used / steps;
}

/** CPU microseconds per `EnvClient.step()`. */
async function clientCpuPerStep(url: string, steps: number): Promise<number> {
  await using env = await EnvClient.connect(url);
  await env.reset();
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) await env.step({ message: "hello" });
  return cpuUs(start) / steps;
}

if (import.meta.main) {
  const args = parseBenchArgs();
  const rounds = args.rounds ?? (args.smoke ? 1 : 3);
  const warmupMs = args.smoke ? 50 : 300;
  const durationMs = args.smoke ? 200 : 2000;
  const sizes = args.sizes ?? [...SIZES];
  await using server = await startDenoServer("ours");
  const samples: Record<string, Record<keyof SizeResult, number[]>> = {};
  const cpuSamples: { raw: number[]; client: number[]; ratio: number[] } = {
    raw: [],
    client: [],
    ratio: [],
  };
  const cpuSteps = args.smoke ? 200 : 10_000;
  for (let round = 1; round <= rounds; round++) {
    const rawCpu = await rawCpuPerStep(server.wsUrl, cpuSteps);
    const clientCpu = await clientCpuPerStep(server.url, cpuSteps);
    cpuSamples.raw.push(rawCpu);
    cpuSamples.client.push(clientCpu);
    cpuSamples.ratio.push(clientCpu / rawCpu);
    console.log(
      `round ${round} CPU per step: raw ${fmt(rawCpu)} µs, EnvClient ${fmt(clientCpu)} µs ` +
        `(${fmt(clientCpu / rawCpu)}x)`,
    );
    for (const size of sizes) {
      const s = samples[size] ??= {
        raw: [],
        pool_closed_loop: [],
        pool_step_all: [],
        ratio_closed_loop: [],
        ratio_step_all: [],
      };
      const raw = (await wsThroughput(server.wsUrl, { connections: size, warmupMs, durationMs }))
        .perSecond;
      const closed = await poolClosedLoop(server.url, size, warmupMs, durationMs);
      const all = await poolStepAll(server.url, size, warmupMs, durationMs);
      s.raw.push(raw);
      s.pool_closed_loop.push(closed);
      s.pool_step_all.push(all);
      s.ratio_closed_loop.push(closed / raw);
      s.ratio_step_all.push(all / raw);
      console.log(
        `round ${round} size ${size}: raw ${fmt(raw)}/s, pool closed loop ${fmt(closed)}/s ` +
          `(${fmt(closed / raw)}x), stepAll ${fmt(all)}/s (${fmt(all / raw)}x)`,
      );
    }
  }
  const cpu: CpuResult = {
    raw_us: median(cpuSamples.raw),
    client_us: median(cpuSamples.client),
    ratio: median(cpuSamples.ratio),
  };
  const result: ClientPoolData = {
    config: { rounds, warmupMs, durationMs, cpuSteps },
    sizes: {},
    cpu,
    goals: [{
      name: "EnvClient CPU per step at most 1.5x a bare WebSocket loop",
      limit: 1.5,
      ratio: cpu.ratio,
      met: cpu.ratio <= 1.5,
    }],
  };
  for (const size of sizes) {
    const s = samples[size];
    result.sizes[size] = {
      raw: median(s.raw),
      pool_closed_loop: median(s.pool_closed_loop),
      pool_step_all: median(s.pool_step_all),
      ratio_closed_loop: median(s.ratio_closed_loop),
      ratio_step_all: median(s.ratio_step_all),
    };
    const ratio = result.sizes[size].ratio_closed_loop;
    result.goals.push({
      name: `pool closed loop at ${size} session(s) keeps 2/3 of raw`,
      limit: 0.67,
      ratio,
      met: ratio >= 0.67,
    });
  }
  console.table(result.sizes);
  for (const g of result.goals) {
    console.log(`${g.met ? "met" : "MISSED"}: ${g.name} (ratio ${fmt(g.ratio)})`);
  }
  console.log(`wrote ${await writeResult(args, "client_pool", result)}`);
}
