/**
 * Turns the JSON results of the benchmarks (`bench/results/*.json`) into SVG
 * charts next to them and `BENCHMARKS.md` at the repository root.
 *
 * ```sh
 * deno run -A bench/report.ts
 * deno run -A bench/report.ts --results DIR --markdown FILE   # elsewhere (the smoke test)
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { relative } from "node:path";
import type { ResultFile } from "./_cli.ts";
import type { MachineInfo } from "./_machine.ts";
import { COLORS, renderBarChart } from "./_svg.ts";
import type { StepLatencyData } from "./step_latency.ts";
import type { ReferenceCompareData } from "./reference_compare.ts";
import type { ConcurrencyData, ConcurrencyPoint } from "./concurrency.ts";

async function load<T>(dir: string, name: string): Promise<ResultFile<T> | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new Error(`Cannot read "${dir}/${name}.json": ${(error as Error).message}`);
  }
}

const n = (v: number, digits = 3): string => {
  if (!Number.isFinite(v)) return "n/a";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  return Number(v.toPrecision(digits)).toString();
};
const us = (ms: number): string => `${n(ms * 1000)} µs`;
const ms = (v: number): string => `${n(v)} ms`;
const x = (v: number): string => `${n(v)}x`;
const verdict = (met: boolean): string => (met ? "met" : "**missed**");

function runLine(m: MachineInfo): string {
  return `_Run ${m.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, load average at start ${
    m.loadavg?.join(", ") ?? "n/a"
  }._`;
}

function machineSection(m: MachineInfo, smoke: boolean): string {
  return [
    "| Machine | |",
    "| --- | --- |",
    `| CPU | ${m.cpu}, ${m.cores} logical cores |`,
    `| Memory | ${m.ramGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| Deno | ${m.deno} (V8 ${m.v8}) |`,
    `| Run | ${m.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")}${
      smoke ? " (**smoke run: numbers are meaningless**)" : ""
    } |`,
    `| Load average at start | ${m.loadavg?.join(", ") ?? "n/a"} |`,
  ].join("\n");
}

async function writeSvg(dir: string, name: string, svg: string): Promise<string> {
  const path = `${dir}/${name}.svg`;
  await Deno.writeTextFile(path, svg);
  return path;
}

function stepLatencySection(
  r: ResultFile<StepLatencyData>,
  charts: { latency: string; throughput: string },
): string {
  const { raw, ours } = r.data.targets;
  const lines = [
    "## 1. `/ws` step round trip against the physical limit",
    "",
    runLine(r.machine),
    "",
    "Our echo server (`createApp`, the echo environment, full validation and encoding) against a raw",
    "`Deno.serve` WebSocket server that sends every text frame straight back: the fastest a Deno",
    "WebSocket server can answer on this machine. Each server runs in its own process; the load",
    "client runs in the benchmark process. One connection steps sequentially (latency), then 8 and 64",
    `connections step in a closed loop (throughput). ${r.data.config.rounds} rounds; in each, every`,
    "figure is measured on both servers back to back (the order alternates), so bursts of other work",
    "hit both sides of a ratio alike. Figures are medians over the rounds; ratios are medians of the",
    "per-round ratios.",
    "",
    "| | raw `Deno.serve` echo | ours | ratio (ours / raw) |",
    "| --- | --- | --- | --- |",
    `| 1 connection, median | ${us(raw.sequential.p50)} | ${us(ours.sequential.p50)} | ${
      x(r.data.ratios.medianLatency)
    } |`,
    `| 1 connection, p99 | ${us(raw.sequential.p99)} | ${us(ours.sequential.p99)} | ${
      x(r.data.ratios.p99Latency)
    } |`,
  ];
  for (const c of Object.keys(raw.throughput)) {
    lines.push(
      `| ${c} connections, steps/s | ${n(raw.throughput[c].perSecond)} | ${
        n(ours.throughput[c].perSecond)
      } | ${x(1 / r.data.ratios[`throughput${c}`])} of raw |`,
    );
  }
  for (const c of Object.keys(raw.throughput)) {
    const a = raw.throughput[c].serverCpuUs, b = ours.throughput[c].serverCpuUs;
    lines.push(
      `| ${c} connections, server CPU per step | ${us(a / 1000)} | ${us(b / 1000)} | ${
        x(r.data.ratios[`serverCpu${c}`] ?? b / a)
      } |`,
    );
  }
  lines.push(
    "",
    "Throughput here is bounded by the load client, which shares the 2 cores with the server, so",
    "the server's own CPU time per step (user + system, from `/proc`, over the measured window) is",
    "the figure that shows what the framework costs over a bare socket; it does not depend on other",
    "load on the machine.",
  );
  lines.push("", "| Goal | Measured | Verdict |", "| --- | --- | --- |");
  for (const g of r.data.goals) {
    lines.push(`| ${g.name} at most ${g.limit}x | ${x(g.ratio)} | ${verdict(g.met)} |`);
  }
  lines.push("", `![latency](${charts.latency})`, "", `![throughput](${charts.throughput})`);
  return lines.join("\n");
}

function referenceSection(
  r: ResultFile<ReferenceCompareData>,
  chart: string,
): string {
  const { ours, reference, raw } = r.data.targets;
  const s = r.data.speedup;
  const lines = [
    "## 2. Against the official Python OpenEnv server",
    "",
    runLine(r.machine),
    "",
    `The reference is ${r.data.reference}, serving the same echo environment (\`bench/py/echo_server.py\`),`,
    "driven by the same load client as ours. HTTP `POST /step` also shows a raw `Deno.serve` HTTP",
    `server (parse the JSON body, answer a fixed JSON) as the limit. ${r.data.config.rounds} rounds, each figure`,
    "measured on every server back to back; figures are medians over rounds, speed-ups medians of the",
    "per-round ratios. Server CPU per step (from `/proc`) does not depend on other load on the machine.",
    "",
    "| | reference | ours | ours vs reference |",
    "| --- | --- | --- | --- |",
    `| \`/ws\` 1 connection, median | ${us(reference.wsSequential!.p50)} | ${
      us(ours.wsSequential!.p50)
    } | ${x(s.wsMedianLatency)} faster |`,
    `| \`/ws\` 1 connection, p99 | ${us(reference.wsSequential!.p99)} | ${
      us(ours.wsSequential!.p99)
    } | ${x(s.wsP99Latency)} faster |`,
  ];
  for (const c of Object.keys(ours.ws!)) {
    lines.push(
      `| \`/ws\` ${c} connections, steps/s | ${n(reference.ws![c].perSecond)} | ${
        n(ours.ws![c].perSecond)
      } | ${x(s[`ws${c}`])} |`,
    );
  }
  for (const c of Object.keys(ours.http)) {
    lines.push(
      `| HTTP \`/step\`, ${c} in flight, steps/s | ${n(reference.http[c].perSecond)} | ${
        n(ours.http[c].perSecond)
      } | ${x(s[`http${c}`])} (raw limit ${n(raw.http[c].perSecond)}/s) |`,
    );
  }
  for (const c of Object.keys(ours.ws!)) {
    const a = reference.ws![c].serverCpuUs, b = ours.ws![c].serverCpuUs;
    lines.push(
      `| \`/ws\` ${c} connections, server CPU per step | ${us(a / 1000)} | ${us(b / 1000)} | ${
        x(a / b)
      } less |`,
    );
  }
  for (const c of Object.keys(ours.http)) {
    const a = reference.http[c].serverCpuUs, b = ours.http[c].serverCpuUs;
    lines.push(
      `| HTTP \`/step\`, ${c} in flight, server CPU per step | ${us(a / 1000)} | ${
        us(b / 1000)
      } | ${x(a / b)} less |`,
    );
  }
  lines.push("", "| Goal | Measured | Verdict |", "| --- | --- | --- |");
  for (const g of r.data.goals) {
    lines.push(
      `| ${g.name}: at least ${g.limit}x the reference | ${x(g.ratio)} | ${verdict(g.met)} |`,
    );
  }
  lines.push("", `![throughput against the reference](${chart})`);
  return lines.join("\n");
}

function pointRow(name: string, p: ConcurrencyPoint): string {
  return `| ${name} | ${p.sessions} | ${p.connected} | ${n(p.connectSeconds)} s | ${
    n(p.stepsPerSecond)
  } of ${n(p.offeredPerSecond)} | ${ms(p.latency.p50)} | ${ms(p.latency.p99)} | ${
    ms(p.latency.max)
  } | ${p.errors} | ${n(p.bytesPerSession / 1024)} KiB | ${n(p.serverCpuPercent)}% | ${
    n(p.clientCpuPercent)
  }% | ${(p.roundsP99 ?? []).map((v) => n(v)).join(", ")} |`;
}

function concurrencySection(
  r: ResultFile<ConcurrencyData>,
  charts: { latency: string; memory: string },
): string {
  const c = r.data.config;
  const lines = [
    "## 3. Many sessions in one process",
    "",
    runLine(r.machine),
    "",
    `Each session opens \`/ws\`, resets, then steps once every ${c.intervalMs} ms (random phase) for`,
    `${c.durationMs / 1000} s. Latency is the step round trip seen by the load client (one Deno`,
    "process holding every socket); memory per session is the server process's peak RSS growth",
    "divided by the sessions. A fresh server per size. Errors: failed connects, error replies,",
    `closed sockets, steps unanswered within ${
      c.stepTimeoutMs / 1000
    } s. CPU columns: % of one core`,
    "used by the server process and by the load client during the steady phase.",
    `The Deno servers ran ${
      c.rounds ?? 1
    } round(s) per size, each with fresh processes; the row shows the round with the median p99 (every round's p99 in the last column). The reference ran one round.`,
    c.nice
      ? `Every server and the load client ran at \`nice ${c.nice}\`: on this shared machine, other jobs' CPU bursts otherwise decide the tail of a paced, mostly idle benchmark (the raw echo rows are the control).`
      : "All processes ran at normal priority.",
    "",
    "| Server | Sessions | Connected | Connect time | Steps/s (of offered) | p50 | p99 | max | Errors | Memory/session | Server CPU | Client CPU | p99 of each round |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...(r.data.targets.raw ?? []).map((p) => pointRow("raw echo", p)),
    ...r.data.targets.ours.map((p) => pointRow("ours", p)),
    ...r.data.targets.reference.map((p) => pointRow("reference", p)),
    ...r.data.skipped.map((s) =>
      `| reference | ${s.sessions} | skipped: ${s.reason} | | | | | | | | | | |`
    ),
  ];
  const biggest = r.data.targets.ours.at(-1);
  if (biggest) {
    const met = biggest.errors === 0 && biggest.latency.p99 < 100;
    lines.push(
      "",
      `Goal (issue 10): ${biggest.sessions} sessions on ${r.machine.cores} cores at p99 under 100 ms: measured p99 ${
        ms(biggest.latency.p99)
      } with ${biggest.errors} errors: ${
        verdict(met)
      }. For scale, the reference project publishes 2,048`,
      "sessions on 8 cores at p99 1.97 s (uvicorn, 8 workers, a 1 s step).",
    );
    const raw = r.data.targets.raw?.find((p) => p.sessions === biggest.sessions);
    if (raw) {
      lines.push(
        "",
        `The raw echo server (no framework) under the same load in the same run: p99 ${
          ms(raw.latency.p99)
        } at ${raw.sessions} sessions. Where both are high, the tail comes from the machine (CPU`,
        "contention with other jobs, the load client), not from the server: see the CPU columns.",
        "A p99 over a few seconds is decided by the longest stall: one 150 ms pause delays about 600",
        "steps at 4,096 steps/s. Read it with the per-round p99s and the raw echo rows of the same run.",
      );
    }
  }
  const firstErrors = [...r.data.targets.ours, ...r.data.targets.reference].filter((p) =>
    p.firstError
  );
  if (firstErrors.length) {
    lines.push("", "First error seen per size:", "");
    for (const p of firstErrors) lines.push(`- ${p.sessions} sessions: \`${p.firstError}\``);
  }
  lines.push(
    "",
    `![latency by sessions](${charts.latency})`,
    "",
    `![memory per session](${charts.memory})`,
  );
  return lines.join("\n");
}

function summary(
  step: ResultFile<StepLatencyData> | null,
  ref: ResultFile<ReferenceCompareData> | null,
  conc: ResultFile<ConcurrencyData> | null,
): string[] {
  const lines = ["## Summary", ""];
  if (step) {
    const r = step.data.ratios;
    lines.push(
      `- \`/ws\` step round trip, one connection: median ${
        us(step.data.targets.ours.sequential.p50)
      }, ${x(r.medianLatency)} the raw \`Deno.serve\` echo (goal: at most 1.5x).`,
      `- Server CPU per step: ${x(r.serverCpu8)} (8 connections) and ${
        x(r.serverCpu64)
      } (64) the raw echo's; throughput at 8 and 64 connections: ${x(1 / r.throughput8)} and ${
        x(1 / r.throughput64)
      } of raw (goal: within 1.5x).`,
    );
  }
  if (ref) {
    const s = ref.data.speedup;
    lines.push(
      `- Against the Python reference: \`/ws\` throughput ${x(s.ws8)} (8 connections) and ${
        x(s.ws64)
      } (64), HTTP \`/step\` ${x(s.http1)} (1 in flight) and ${
        x(s.http8)
      } (8); median \`/ws\` latency ${x(s.wsMedianLatency)} lower (goal: at least 5x throughput).`,
    );
  }
  if (conc) {
    const last = conc.data.targets.ours.at(-1);
    const refLast = conc.data.targets.reference.at(-1);
    if (last) {
      lines.push(
        `- ${last.sessions} concurrent sessions in one process, each stepping every ${conc.data.config.intervalMs} ms: p50 ${
          ms(last.latency.p50)
        }, p99 ${ms(last.latency.p99)}, ${last.errors} errors, ${
          n(last.bytesPerSession / 1024)
        } KiB per session (goal: p99 under 100 ms).${
          refLast
            ? ` The reference at ${refLast.sessions}: p99 ${ms(refLast.latency.p99)}, ${
              n(refLast.stepsPerSecond)
            } of ${n(refLast.offeredPerSecond)} steps/s offered.`
            : ""
        }`,
      );
    }
  }
  lines.push("");
  return lines;
}

interface ColdStartFigure {
  median?: number;
  p90?: number;
}

/** Section 4 from `provider_cold_start.json` (written by `bench/provider_cold_start.ts`), if present. */
async function coldStartSection(dir: string): Promise<string[]> {
  const r = await load<{
    figures?: Record<string, { healthy?: ColdStartFigure; firstReset?: ColdStartFigure }>;
  }>(dir, "provider_cold_start");
  const figures = r?.data?.figures;
  if (!r || !figures || typeof figures !== "object") {
    return [
      "## 4. Cold start per provider",
      "",
      "Not run: `deno run -A bench/provider_cold_start.ts`.",
      "",
    ];
  }
  const lines = [
    "## 4. Cold start per provider",
    "",
    runLine(r.machine),
    "",
    "From `bench/provider_cold_start.ts` (its own JSON, `provider_cold_start.json`): time from the",
    "start call to a healthy server and to the first `reset` over `/ws`, for the echo environment.",
    "",
    "| Target | start to healthy, median | p90 | start to first reset, median | p90 |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [name, f] of Object.entries(figures)) {
    lines.push(
      `| ${name} | ${ms(f.healthy?.median ?? NaN)} | ${ms(f.healthy?.p90 ?? NaN)} | ${
        ms(f.firstReset?.median ?? NaN)
      } | ${ms(f.firstReset?.p90 ?? NaN)} |`,
    );
  }
  lines.push("");
  return lines;
}

/** Section 5 from `atari_throughput.json` (written by `bench/atari_throughput.ts`), if present. */
async function atariSection(dir: string): Promise<string[]> {
  const r = await load<{
    steps?: number;
    steps_per_s?: { ale_py_direct: number; ours_in_process: number; ours_over_ws: number };
  }>(dir, "atari_throughput");
  const sps = r?.data?.steps_per_s;
  if (!r || !sps) {
    return [
      "## 5. Atari steps per second",
      "",
      "Not run: `deno run -A bench/atari_throughput.ts`.",
      "",
    ];
  }
  const f = (x: number) => x.toFixed(0);
  return [
    "## 5. Atari steps per second",
    "",
    runLine(r.machine),
    "",
    `From \`bench/atari_throughput.ts\`: ${r.data.steps} steps of Pong (grayscale, frameskip 4), each`,
    "reading the screen, driven by ale-py directly from Python (the baseline) and by our environment",
    "(Deno, the Python worker behind a pipe) in process and over `/ws`.",
    "",
    "| Driver | steps/s | vs ale-py direct |",
    "| --- | --- | --- |",
    `| ale-py from Python | ${f(sps.ale_py_direct)} | 1.00x |`,
    `| ours, in process | ${f(sps.ours_in_process)} | ${
      (sps.ours_in_process / sps.ale_py_direct).toFixed(2)
    }x |`,
    `| ours, over /ws | ${f(sps.ours_over_ws)} | ${
      (sps.ours_over_ws / sps.ale_py_direct).toFixed(2)
    }x |`,
    "",
    "The gap is the price of isolation: every step crosses a pipe twice and carries the 33.6 KB",
    "screen, which the server sends base64-encoded.",
    "",
  ];
}

/** Links to any other result files in the directory (other benchmarks' JSON). */
async function otherResults(dir: string): Promise<string[]> {
  const known = new Set([
    "step_latency.json",
    "reference_compare.json",
    "concurrency.json",
    "provider_cold_start.json",
    "atari_throughput.json",
  ]);
  const others: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".json") && !known.has(entry.name)) {
      others.push(entry.name);
    }
  }
  if (others.length === 0) return [];
  return [
    "## Other results",
    "",
    "Written by other scripts in `bench/` (see each script's header for what it measures):",
    "",
    ...others.sort().map((name) =>
      `- \`bench/results/${name}\` (\`bench/${name.replace(/\.json$/, ".ts")}\`)`
    ),
    "",
  ];
}

/** Reads the results and writes the charts and the Markdown report. */
export async function main(argv: string[] = Deno.args): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      results: { type: "string", default: new URL("./results", import.meta.url).pathname },
      markdown: { type: "string", default: new URL("../BENCHMARKS.md", import.meta.url).pathname },
    },
  });
  const dir = values.results.replace(/\/$/, "");
  const mdPath = values.markdown;
  const mdDir = mdPath.slice(0, mdPath.lastIndexOf("/")) || ".";
  const link = (path: string) => relative(mdDir, path);

  const step = await load<StepLatencyData>(dir, "step_latency");
  const ref = await load<ReferenceCompareData>(dir, "reference_compare");
  const conc = await load<ConcurrencyData>(dir, "concurrency");
  const first = step ?? ref ?? conc;
  if (!first) throw new Error(`No results in "${dir}": run the benchmarks first (deno task bench)`);

  const sections: string[] = [];
  if (step) {
    const { raw, ours } = step.data.targets;
    const latency = await writeSvg(
      dir,
      "step_latency",
      renderBarChart({
        title: "/ws step round trip, 1 connection (lower is better)",
        unit: "µs",
        categories: ["median", "p99"],
        series: [
          {
            name: "raw Deno.serve echo",
            color: COLORS.raw,
            values: [raw.sequential.p50 * 1000, raw.sequential.p99 * 1000],
          },
          {
            name: "ours",
            color: COLORS.ours,
            values: [ours.sequential.p50 * 1000, ours.sequential.p99 * 1000],
          },
        ],
      }),
    );
    const conns = Object.keys(raw.throughput);
    const throughput = await writeSvg(
      dir,
      "step_throughput",
      renderBarChart({
        title: "/ws steps per second, closed loop (higher is better)",
        unit: "steps/s",
        categories: conns.map((c) => `${c} connections`),
        series: [
          {
            name: "raw Deno.serve echo",
            color: COLORS.raw,
            values: conns.map((c) => raw.throughput[c].perSecond),
          },
          {
            name: "ours",
            color: COLORS.ours,
            values: conns.map((c) => ours.throughput[c].perSecond),
          },
        ],
      }),
    );
    sections.push(
      stepLatencySection(step, { latency: link(latency), throughput: link(throughput) }),
    );
  } else sections.push("## 1. `/ws` step round trip against the physical limit\n\nNot run.");
  if (ref) {
    const { ours, reference, raw } = ref.data.targets;
    const ws = Object.keys(ours.ws!);
    const http = Object.keys(ours.http);
    const chart = await writeSvg(
      dir,
      "reference_compare",
      renderBarChart({
        title: "Steps per second: ours vs the Python reference (higher is better)",
        unit: "steps/s",
        log: true,
        categories: [
          ...ws.map((c) => `/ws, ${c} conn`),
          ...http.map((c) => `HTTP, ${c} in flight`),
        ],
        series: [
          {
            name: "reference (Python)",
            color: COLORS.reference,
            values: [
              ...ws.map((c) => reference.ws![c].perSecond),
              ...http.map((c) => reference.http[c].perSecond),
            ],
          },
          {
            name: "ours",
            color: COLORS.ours,
            values: [
              ...ws.map((c) => ours.ws![c].perSecond),
              ...http.map((c) => ours.http[c].perSecond),
            ],
          },
          {
            name: "raw Deno.serve (HTTP only)",
            color: COLORS.raw,
            values: [...ws.map(() => null), ...http.map((c) => raw.http[c].perSecond)],
          },
        ],
      }),
    );
    sections.push(referenceSection(ref, link(chart)));
  } else sections.push("## 2. Against the official Python OpenEnv server\n\nNot run.");
  if (conc) {
    const sizes = conc.data.config.sizes;
    const pick = (points: ConcurrencyPoint[], f: (p: ConcurrencyPoint) => number) =>
      sizes.map((s) => {
        const p = points.find((q) => q.sessions === s);
        return p && p.steps > 0 ? f(p) : null;
      });
    const latency = await writeSvg(
      dir,
      "concurrency_latency",
      renderBarChart({
        title: "Step latency by concurrent sessions, 1 step/s each (lower is better)",
        unit: "ms",
        log: true,
        categories: sizes.map((s) => `${s} sessions`),
        series: [
          {
            name: "raw echo p99",
            color: COLORS.raw,
            values: pick(conc.data.targets.raw ?? [], (p) => p.latency.p99),
          },
          {
            name: "ours p50",
            color: COLORS.oursLight,
            values: pick(conc.data.targets.ours, (p) => p.latency.p50),
          },
          {
            name: "ours p99",
            color: COLORS.ours,
            values: pick(conc.data.targets.ours, (p) => p.latency.p99),
          },
          {
            name: "reference p99",
            color: COLORS.reference,
            values: pick(conc.data.targets.reference, (p) => p.latency.p99),
          },
        ],
      }),
    );
    const memory = await writeSvg(
      dir,
      "concurrency_memory",
      renderBarChart({
        title: "Server memory per session (lower is better)",
        unit: "KiB",
        categories: sizes.map((s) => `${s} sessions`),
        series: [
          {
            name: "ours",
            color: COLORS.ours,
            values: pick(conc.data.targets.ours, (p) => p.bytesPerSession / 1024),
          },
          {
            name: "reference",
            color: COLORS.reference,
            values: pick(conc.data.targets.reference, (p) => p.bytesPerSession / 1024),
          },
        ],
      }),
    );
    sections.push(concurrencySection(conc, { latency: link(latency), memory: link(memory) }));
  } else sections.push("## 3. Many sessions in one process\n\nNot run.");

  const smoke = [step, ref, conc].some((r) => r?.smoke);
  const md = [
    "# Benchmarks",
    "",
    "Generated by `deno run -A bench/report.ts` from the JSON in `bench/results/`; reproduce everything",
    "with `deno task bench` (about 6 to 7 minutes on this machine). Every comparison runs in one go, with",
    "the same load client, each server in its own process. Benchmarks do not run in CI;",
    "`tests/bench_smoke_test.ts` runs each one in a very short mode to prove the scripts work.",
    "",
    "Each script runs alone too: `deno run -A bench/step_latency.ts` (`--rounds N`),",
    "`bench/reference_compare.ts` (`--rounds N`), `bench/concurrency.ts` (`--sizes 256,4096`,",
    "`--targets raw,ours,reference`, `--rounds N`, `--nice N`); `--smoke` for a short run and",
    '`--out DIR` for the JSON. `BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=DIR"` (or',
    "`--v8-flags=--trace-gc` with `BENCH_SERVER_OUTPUT=1`) profiles the Deno servers under load. The",
    "reference runs from the venv made by `tests/interop/setup.sh` (installed on first use).",
    "",
    machineSection(first.machine, smoke),
    "",
    "The machine is shared (other jobs may run during a benchmark: see the load average), so single",
    "figures move by tens of percent between runs; ratios measured in the same run, medians over",
    "interleaved rounds, are the numbers to read.",
    "",
    ...summary(step, ref, conc),
    ...sections.flatMap((s) => [s, ""]),
    ...(await coldStartSection(dir)),
    ...(await atariSection(dir)),
    ...(await otherResults(dir)),
  ].join("\n");
  await Deno.writeTextFile(mdPath, md);
  // Tables in the project's Markdown style, so `deno fmt --check` passes.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", mdPath], stdout: "null" })
    .output();
  return mdPath;
}

if (import.meta.main) console.log(`wrote ${await main()}`);
