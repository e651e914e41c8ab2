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
 * ```sh
 * deno run -A bench/client_pool.ts           # full run, writes bench/results/client_pool.json
 * deno run -A bench/client_pool.ts --smoke   # proves the script works
 * ```
 *
 * @module
 */
import { EnvPool } from "@openenv/core/client";
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

/** The `data` of `client_pool.json`. */
export interface ClientPoolData {
  /** Run parameters. */
  config: Record<string, number>;
  /** Results per session count. */
  sizes: Record<string, SizeResult>;
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

if (import.meta.main) {
  const args = parseBenchArgs();
  const rounds = args.rounds ?? (args.smoke ? 1 : 3);
  const warmupMs = args.smoke ? 50 : 300;
  const durationMs = args.smoke ? 200 : 2000;
  const sizes = args.sizes ?? [...SIZES];
  await using server = await startDenoServer("ours");
  const samples: Record<string, Record<keyof SizeResult, number[]>> = {};
  for (let round = 1; round <= rounds; round++) {
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
  const result: ClientPoolData = {
    config: { rounds, warmupMs, durationMs },
    sizes: {},
    goals: [],
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
