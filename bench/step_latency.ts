/**
 * Step latency and throughput over `/ws`: our echo server against the
 * physical limit, a raw `Deno.serve` WebSocket echo, with the same load
 * client in this process and each server in its own process.
 *
 * Measures one connection stepping sequentially (median, p99) and 8 and 64
 * connections in a closed loop (steps per second), in interleaved rounds, and
 * prints the ratios, with the server's CPU time per step (from /proc, which
 * other load on the machine does not skew). Goals: median within 1.5x of the
 * baseline, throughput at 8 and 64 connections within 1.5x.
 *
 * ```sh
 * deno run -A bench/step_latency.ts            # full run, writes bench/results/step_latency.json
 * deno run -A bench/step_latency.ts --smoke    # a second or two, proves the script works
 * ```
 *
 * @module
 */
import { fmt, parseBenchArgs, writeResult } from "./_cli.ts";
import { sequentialLatency, type ThroughputResult, wsThroughput } from "./_load.ts";
import { type ServerProcess, startDenoServer } from "./_process.ts";
import { type LatencySummary, median } from "./_stats.ts";

/** Connection counts of the throughput runs. */
export const CONNECTIONS = [8, 64] as const;

/** What one target measured, aggregated over rounds (median of each figure). */
export interface TargetResult {
  /** One connection, sequential. */
  sequential: LatencySummary;
  /** Closed-loop throughput per connection count. */
  throughput: Record<string, ThroughputResult>;
}

/** The `data` of `step_latency.json`. */
export interface StepLatencyData {
  /** Run parameters. */
  config: Record<string, number>;
  /** `raw` (the baseline) and `ours`. */
  targets: Record<"raw" | "ours", TargetResult>;
  /** Ours divided by raw for latencies; raw divided by ours for throughput. */
  ratios: Record<string, number>;
  /** Each goal and whether it was met. */
  goals: { name: string; limit: number; ratio: number; met: boolean }[];
}

function aggregate(rounds: TargetResult[]): TargetResult {
  const seq = rounds.map((r) => r.sequential);
  const pick = (k: keyof LatencySummary) => median(seq.map((s) => s[k]));
  const throughput: Record<string, ThroughputResult> = {};
  for (const c of CONNECTIONS) {
    const runs = rounds.map((r) => r.throughput[c]);
    const lat = (k: keyof LatencySummary) => median(runs.map((t) => t.latency[k]));
    throughput[c] = {
      connections: c,
      messages: median(runs.map((t) => t.messages)),
      perSecond: median(runs.map((t) => t.perSecond)),
      errors: runs.reduce((n, t) => n + t.errors, 0),
      serverCpuUs: median(runs.map((t) => t.serverCpuUs)),
      latency: {
        count: lat("count"),
        p50: lat("p50"),
        p90: lat("p90"),
        p99: lat("p99"),
        max: lat("max"),
        mean: lat("mean"),
      },
    };
  }
  return {
    sequential: {
      count: pick("count"),
      p50: pick("p50"),
      p90: pick("p90"),
      p99: pick("p99"),
      max: pick("max"),
      mean: pick("mean"),
    },
    throughput,
  };
}

/**
 * One round: each figure is measured on both servers back to back (the order
 * alternates between rounds), so a burst of other work on the machine hits
 * both sides of a ratio alike.
 */
async function measureRound(
  servers: (readonly ["raw" | "ours", ServerProcess])[],
  config: { warmup: number; count: number; warmupMs: number; durationMs: number },
): Promise<Record<"raw" | "ours", TargetResult>> {
  const out = {
    raw: { throughput: {} } as TargetResult,
    ours: { throughput: {} } as TargetResult,
  };
  for (const [name, server] of servers) {
    out[name].sequential = await sequentialLatency(server.wsUrl, config);
  }
  for (const connections of CONNECTIONS) {
    for (const [name, server] of servers) {
      out[name].throughput[connections] = await wsThroughput(server.wsUrl, {
        connections,
        ...config,
        serverCpu: server.cpuSeconds,
      });
    }
  }
  return out;
}

/** Runs the benchmark and writes its result file. */
export async function main(argv: string[] = Deno.args): Promise<StepLatencyData> {
  const args = parseBenchArgs(argv);
  const config = args.smoke
    ? { rounds: 1, warmup: 20, count: 200, warmupMs: 100, durationMs: 300 }
    : { rounds: args.rounds ?? 5, warmup: 1000, count: 3000, warmupMs: 400, durationMs: 2000 };
  await using raw = await startDenoServer("raw");
  await using ours = await startDenoServer("ours");
  const rounds: Record<"raw" | "ours", TargetResult[]> = { raw: [], ours: [] };
  for (let round = 1; round <= config.rounds; round++) {
    console.error(`round ${round}/${config.rounds}`);
    const pair = [["raw", raw], ["ours", ours]] as const;
    const result = await measureRound(round % 2 ? [...pair] : [pair[1], pair[0]], config);
    rounds.raw.push(result.raw);
    rounds.ours.push(result.ours);
  }
  const targets = { raw: aggregate(rounds.raw), ours: aggregate(rounds.ours) };
  // Ratios are medians of the per-round ratios (each from back-to-back measurements).
  const perRound = (f: (raw: TargetResult, ours: TargetResult) => number) =>
    median(rounds.raw.map((r, i) => f(r, rounds.ours[i])));
  const ratios: Record<string, number> = {
    medianLatency: perRound((r, o) => o.sequential.p50 / r.sequential.p50),
    p99Latency: perRound((r, o) => o.sequential.p99 / r.sequential.p99),
  };
  for (const c of CONNECTIONS) {
    ratios[`throughput${c}`] = perRound((r, o) =>
      r.throughput[c].perSecond / o.throughput[c].perSecond
    );
    ratios[`serverCpu${c}`] = perRound((r, o) =>
      o.throughput[c].serverCpuUs / r.throughput[c].serverCpuUs
    );
  }
  const goals = [
    { name: "median latency, 1 connection (ours ÷ raw)", limit: 1.5, ratio: ratios.medianLatency },
    ...CONNECTIONS.map((c) => ({
      name: `throughput, ${c} connections (raw ÷ ours)`,
      limit: 1.5,
      ratio: ratios[`throughput${c}`],
    })),
    ...CONNECTIONS.map((c) => ({
      name: `server CPU per step, ${c} connections (ours ÷ raw)`,
      limit: 1.5,
      ratio: ratios[`serverCpu${c}`],
    })),
  ].map((g) => ({ ...g, met: g.ratio <= g.limit }));
  const data: StepLatencyData = { config, targets, ratios, goals };

  console.log("\n/ws step round trip: ours vs raw Deno.serve WebSocket echo");
  console.log(`                       raw         ours        ratio`);
  const row = (label: string, a: number, b: number, ratio: number, unit: string) =>
    console.log(
      `${label.padEnd(22)} ${(fmt(a) + unit).padEnd(11)} ${(fmt(b) + unit).padEnd(11)} ${
        fmt(ratio)
      }x`,
    );
  const r = targets.raw, o = targets.ours;
  row(
    "1 conn median",
    r.sequential.p50 * 1000,
    o.sequential.p50 * 1000,
    ratios.medianLatency,
    "µs",
  );
  row("1 conn p99", r.sequential.p99 * 1000, o.sequential.p99 * 1000, ratios.p99Latency, "µs");
  for (const c of CONNECTIONS) {
    row(
      `${c} conn steps/s`,
      r.throughput[c].perSecond,
      o.throughput[c].perSecond,
      ratios[`throughput${c}`],
      "",
    );
  }
  for (const c of CONNECTIONS) {
    row(
      `${c} conn server CPU/step`,
      r.throughput[c].serverCpuUs,
      o.throughput[c].serverCpuUs,
      ratios[`serverCpu${c}`],
      "µs",
    );
  }
  for (const g of goals) {
    console.log(`goal ${g.name}: ${fmt(g.ratio)}x (limit ${g.limit}x) ${g.met ? "met" : "MISSED"}`);
  }
  console.log(`wrote ${await writeResult(args, "step_latency", data)}`);
  return data;
}

if (import.meta.main) await main();
