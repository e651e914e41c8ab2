/**
 * Our echo server against the official Python OpenEnv echo server
 * (`openenv-core` from PyPI: `create_app`, FastAPI, uvicorn with one worker;
 * see `py/echo_server.py`), with the same load client: `/ws` step latency
 * (one connection, sequential), `/ws` throughput at 8 and 64 connections, and
 * HTTP `POST /step` throughput (with a raw `Deno.serve` HTTP baseline). Goal:
 * at least 5x the reference's throughput.
 *
 * ```sh
 * deno run -A bench/reference_compare.ts          # writes bench/results/reference_compare.json
 * deno run -A bench/reference_compare.ts --smoke
 * ```
 *
 * The reference venv comes from `tests/interop/setup.sh` (run when missing).
 *
 * @module
 */
import { fmt, parseBenchArgs, writeResult } from "./_cli.ts";
import { httpThroughput, sequentialLatency, type ThroughputResult, wsThroughput } from "./_load.ts";
import { type ServerProcess, startDenoServer, startReferenceServer } from "./_process.ts";
import { type LatencySummary, median } from "./_stats.ts";

/** `/ws` connection counts. */
export const WS_CONNECTIONS = [8, 64] as const;
/** HTTP requests in flight. */
export const HTTP_CONNECTIONS = [1, 8] as const;

/** Figures of one server (medians over rounds). */
export interface CompareTarget {
  /** `/ws` one connection sequential; absent for the raw HTTP baseline. */
  wsSequential?: LatencySummary;
  /** `/ws` steps per second by connections. */
  ws?: Record<string, ThroughputResult>;
  /** HTTP `/step` per second by requests in flight. */
  http: Record<string, ThroughputResult>;
}

/** The `data` of `reference_compare.json`. */
export interface ReferenceCompareData {
  /** Run parameters. */
  config: Record<string, number>;
  /** Which reference was measured. */
  reference: string;
  /** `ours`, `reference`, and `raw` (HTTP only). */
  targets: Record<"ours" | "reference" | "raw", CompareTarget>;
  /** Ours over the reference for throughput; reference over ours for latency. */
  speedup: Record<string, number>;
  /** Each goal and whether it was met. */
  goals: { name: string; limit: number; ratio: number; met: boolean }[];
}

type Config = { warmupMs: number; durationMs: number };

function medianThroughput(runs: ThroughputResult[]): ThroughputResult {
  const lat = (k: keyof LatencySummary) => median(runs.map((t) => t.latency[k]));
  return {
    connections: runs[0].connections,
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

function medianLatency(runs: LatencySummary[]): LatencySummary {
  const m = (k: keyof LatencySummary) => median(runs.map((s) => s[k]));
  return {
    count: m("count"),
    p50: m("p50"),
    p90: m("p90"),
    p99: m("p99"),
    max: m("max"),
    mean: m("mean"),
  };
}

type Name = "ours" | "reference" | "raw";

/**
 * One round: each figure is measured on every server back to back (the
 * order alternates between rounds), so bursts of other work on the machine
 * hit both sides of a ratio alike. The raw server only answers HTTP.
 */
async function measureRound(
  servers: (readonly [Name, ServerProcess])[],
  seq: Record<Name, { warmup: number; count: number }>,
  config: Config,
): Promise<Record<Name, CompareTarget>> {
  const out: Record<Name, CompareTarget> = {
    ours: { http: {}, ws: {} },
    reference: { http: {}, ws: {} },
    raw: { http: {} },
  };
  const ws = servers.filter(([name]) => name !== "raw");
  for (const [name, server] of ws) {
    out[name].wsSequential = await sequentialLatency(server.wsUrl, seq[name]);
  }
  for (const connections of WS_CONNECTIONS) {
    for (const [name, server] of ws) {
      out[name].ws![connections] = await wsThroughput(server.wsUrl, {
        connections,
        ...config,
        serverCpu: server.cpuSeconds,
      });
    }
  }
  for (const connections of HTTP_CONNECTIONS) {
    for (const [name, server] of servers) {
      out[name].http[connections] = await httpThroughput(server.url, {
        connections,
        ...config,
        serverCpu: server.cpuSeconds,
      });
    }
  }
  return out;
}

function combine(rounds: CompareTarget[]): CompareTarget {
  const out: CompareTarget = { http: {} };
  if (rounds[0].wsSequential) {
    out.wsSequential = medianLatency(rounds.map((r) => r.wsSequential!));
    out.ws = {};
    for (const c of WS_CONNECTIONS) out.ws[c] = medianThroughput(rounds.map((r) => r.ws![c]));
  }
  for (const c of HTTP_CONNECTIONS) out.http[c] = medianThroughput(rounds.map((r) => r.http[c]));
  return out;
}

async function referenceVersion(): Promise<string> {
  const { REFERENCE_VENV } = await import("./_process.ts");
  const out = await new Deno.Command(`${REFERENCE_VENV}/bin/python`, {
    args: ["-c", "import importlib.metadata as m; print(m.version('openenv-core'))"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return `openenv-core ${
    new TextDecoder().decode(out.stdout).trim()
  } (FastAPI + uvicorn, 1 worker)`;
}

/** Runs the benchmark and writes its result file. */
export async function main(argv: string[] = Deno.args): Promise<ReferenceCompareData> {
  const args = parseBenchArgs(argv);
  const config = args.smoke
    ? { rounds: 1, warmup: 10, count: 100, refCount: 50, warmupMs: 100, durationMs: 300 }
    : {
      rounds: args.rounds ?? 3,
      warmup: 1000,
      count: 5000,
      refCount: 2000,
      warmupMs: 500,
      durationMs: 2000,
    };
  await using reference = await startReferenceServer();
  await using ours = await startDenoServer("ours");
  await using raw = await startDenoServer("raw");
  const rounds: Record<Name, CompareTarget[]> = { ours: [], reference: [], raw: [] };
  const seq = {
    ours: { warmup: config.warmup, count: config.count },
    reference: { warmup: Math.min(config.warmup, 200), count: config.refCount },
    raw: { warmup: 0, count: 0 },
  };
  for (let round = 1; round <= config.rounds; round++) {
    console.error(`round ${round}/${config.rounds}`);
    const order = [["reference", reference], ["ours", ours], ["raw", raw]] as const;
    const result = await measureRound(round % 2 ? [...order] : [...order].reverse(), seq, config);
    for (const name of ["ours", "reference", "raw"] as const) rounds[name].push(result[name]);
  }
  const targets = {
    ours: combine(rounds.ours),
    reference: combine(rounds.reference),
    raw: combine(rounds.raw),
  };
  // Speed-ups are medians of the per-round ratios (each from back-to-back measurements).
  const perRound = (f: (ref: CompareTarget, ours: CompareTarget) => number) =>
    median(rounds.reference.map((r, i) => f(r, rounds.ours[i])));
  const speedup: Record<string, number> = {
    wsMedianLatency: perRound((r, o) => r.wsSequential!.p50 / o.wsSequential!.p50),
    wsP99Latency: perRound((r, o) => r.wsSequential!.p99 / o.wsSequential!.p99),
  };
  for (const c of WS_CONNECTIONS) {
    speedup[`ws${c}`] = perRound((r, o) => o.ws![c].perSecond / r.ws![c].perSecond);
  }
  for (const c of HTTP_CONNECTIONS) {
    speedup[`http${c}`] = perRound((r, o) => o.http[c].perSecond / r.http[c].perSecond);
  }
  const o = targets.ours, r = targets.reference;
  const goals = [
    ...WS_CONNECTIONS.map((c) => ({
      name: `/ws throughput, ${c} connections`,
      ratio: speedup[`ws${c}`],
    })),
    ...HTTP_CONNECTIONS.map((c) => ({
      name: `HTTP /step throughput, ${c} in flight`,
      ratio: speedup[`http${c}`],
    })),
  ].map((g) => ({ ...g, limit: 5, met: g.ratio >= 5 }));
  const data: ReferenceCompareData = {
    config,
    reference: await referenceVersion(),
    targets,
    speedup,
    goals,
  };

  console.log(`\nours vs the reference (${data.reference})`);
  console.log(`                          reference   ours        speed-up`);
  const row = (label: string, ref: number, ours: number, ratio: number, unit: string) =>
    console.log(
      `${label.padEnd(25)} ${(fmt(ref) + unit).padEnd(11)} ${(fmt(ours) + unit).padEnd(11)} ${
        fmt(ratio)
      }x`,
    );
  row(
    "/ws 1 conn median",
    r.wsSequential!.p50 * 1000,
    o.wsSequential!.p50 * 1000,
    speedup.wsMedianLatency,
    "µs",
  );
  row(
    "/ws 1 conn p99",
    r.wsSequential!.p99 * 1000,
    o.wsSequential!.p99 * 1000,
    speedup.wsP99Latency,
    "µs",
  );
  for (const c of WS_CONNECTIONS) {
    row(`/ws ${c} conn steps/s`, r.ws![c].perSecond, o.ws![c].perSecond, speedup[`ws${c}`], "");
  }
  for (const c of HTTP_CONNECTIONS) {
    row(
      `HTTP ${c} in flight steps/s`,
      r.http[c].perSecond,
      o.http[c].perSecond,
      speedup[`http${c}`],
      "",
    );
    console.log(`  (raw Deno.serve HTTP baseline: ${fmt(targets.raw.http[c].perSecond)}/s)`);
  }
  for (const g of goals) {
    console.log(
      `goal ${g.name}: ${fmt(g.ratio)}x (at least ${g.limit}x) ${g.met ? "met" : "MISSED"}`,
    );
  }
  console.log(`wrote ${await writeResult(args, "reference_compare", data)}`);
  return data;
}

if (import.meta.main) await main();
