/**
 * Cold start of an environment: time from the start call to the first
 * successful `reset` over `/ws`, for the echo environment, by provider.
 *
 * Targets, measured in interleaved rounds:
 * - `baseline`: a plain `deno run -A envs/echo/server.ts` child (no sandbox,
 *   no bundle), polled on `/health` the same way: what any launcher pays;
 * - `process`: the process provider with its bundle prepared (the usual
 *   case: one `prepare`, many starts);
 * - `process_first`: a new process provider each round, so bundling is
 *   included (the first start of an environment);
 * - `docker`: the Docker provider with the echo image (skipped with
 *   `--targets` or when the daemon is unreachable; the image is built by
 *   tests/docker/build_echo_image.sh).
 *
 * Prints median, p90, min, max and spread (max - min) of "start to healthy"
 * and "start to first reset", and ratios against the baseline. Goal: the
 * process provider's median start-to-healthy under 500 ms.
 *
 * ```sh
 * deno run -A bench/provider_cold_start.ts              # writes bench/results/provider_cold_start.json
 * deno run -A bench/provider_cold_start.ts --smoke      # one round, proves the script works
 * deno run -A bench/provider_cold_start.ts --targets baseline,process
 * ```
 *
 * @module
 */
import { fmt, parseBenchArgs, writeResult } from "./_cli.ts";
import { median, quantile } from "./_stats.ts";
import { EnvClient } from "../client/env_client.ts";
import { ProcessProvider } from "../providers/process_provider.ts";
import { waitUntilHealthy } from "../providers/wait_until_healthy.ts";
import type { EnvHandle } from "../providers/provider.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ECHO = `${ROOT}envs/echo`;

/** Figures of one target, in milliseconds. */
export interface TargetFigures {
  /** Rounds measured. */
  rounds: number;
  /** Start call to `/health` answering 200. */
  healthy: Spread;
  /** Start call to the first `reset` reply over `/ws`. */
  firstReset: Spread;
}

/** Median, p90, min, max and spread of a sample. */
export interface Spread {
  /** Median. */
  median: number;
  /** 90th percentile. */
  p90: number;
  /** Smallest. */
  min: number;
  /** Largest. */
  max: number;
  /** max - min. */
  spread: number;
  /** Every sample, in round order. */
  samples: number[];
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    median: r(median(samples)),
    p90: r(quantile(sorted, 0.9)),
    min: r(sorted[0]),
    max: r(sorted[sorted.length - 1]),
    spread: r(sorted[sorted.length - 1] - sorted[0]),
    samples: samples.map(r),
  };
}

async function firstReset(handle: Pick<EnvHandle, "baseUrl" | "headers">): Promise<void> {
  await using client = await EnvClient.connect(handle.baseUrl, { headers: handle.headers });
  await client.reset();
}

type Round = (provider: ProcessProvider) => Promise<{ healthy: number; firstReset: number }>;

const baseline: Round = async () => {
  const port = freePort();
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ECHO}/server.ts`],
    cwd: ROOT,
    env: { PORT: String(port) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(baseUrl, { timeoutMs: 30_000 });
    const healthy = performance.now() - t0;
    await firstReset({ baseUrl });
    return { healthy, firstReset: performance.now() - t0 };
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
};

const processWarm: Round = async (provider) => {
  const t0 = performance.now();
  await using env = await provider.start({ module: ECHO });
  const healthy = performance.now() - t0;
  await firstReset(env);
  return { healthy, firstReset: performance.now() - t0 };
};

const processFirst: Round = async () => {
  const t0 = performance.now();
  await using fresh = new ProcessProvider();
  await using env = await fresh.start({ module: ECHO });
  const healthy = performance.now() - t0;
  await firstReset(env);
  return { healthy, firstReset: performance.now() - t0 };
};

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

async function dockerRound(): Promise<Round | string> {
  const info = await new Deno.Command("docker", { args: ["info"], stdout: "null", stderr: "null" })
    .output().catch(() => undefined);
  if (!info?.success) return "the Docker daemon is unreachable (tests/docker/start_dockerd.sh)";
  const build = await new Deno.Command("bash", {
    args: [`${ROOT}tests/docker/build_echo_image.sh`],
    cwd: ROOT,
    env: { DENO_BIN: Deno.execPath() },
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!build.success) return "building the echo image failed (tests/docker/build_echo_image.sh)";
  const image = new TextDecoder().decode(build.stdout).trim();
  const { DockerProvider } = await import("../providers/docker/mod.ts");
  const docker = new DockerProvider();
  return async () => {
    const t0 = performance.now();
    await using env = await docker.start({ image });
    const healthy = performance.now() - t0;
    await firstReset(env);
    return { healthy, firstReset: performance.now() - t0 };
  };
}

if (import.meta.main) {
  const args = parseBenchArgs();
  const rounds = args.smoke ? 1 : args.rounds ?? 10;
  const wanted = args.targets ?? ["baseline", "process", "process_first", "docker"];
  const targets: Record<string, Round> = {};
  const skipped: Record<string, string> = {};
  if (wanted.includes("baseline")) targets.baseline = baseline;
  if (wanted.includes("process")) targets.process = processWarm;
  if (wanted.includes("process_first")) targets.process_first = processFirst;
  if (wanted.includes("docker")) {
    const round = await dockerRound();
    if (typeof round === "string") skipped.docker = round;
    else targets.docker = round;
  }

  await using provider = new ProcessProvider();
  await provider.prepare({ module: ECHO }); // the warm target's one-time bundling
  // One unmeasured round each: the OS page cache and Deno's code cache warm up.
  for (const run of Object.values(targets)) await run(provider);

  const samples: Record<string, { healthy: number[]; firstReset: number[] }> = {};
  for (let i = 0; i < rounds; i++) {
    for (const [name, run] of Object.entries(targets)) {
      const r = await run(provider);
      (samples[name] ??= { healthy: [], firstReset: [] }).healthy.push(r.healthy);
      samples[name].firstReset.push(r.firstReset);
    }
  }

  const figures: Record<string, TargetFigures> = {};
  for (const [name, s] of Object.entries(samples)) {
    figures[name] = { rounds, healthy: spread(s.healthy), firstReset: spread(s.firstReset) };
  }
  const ratios: Record<string, number> = {};
  if (figures.baseline) {
    for (const [name, f] of Object.entries(figures)) {
      if (name === "baseline") continue;
      ratios[`${name}/baseline first reset`] = Math.round(
        f.firstReset.median / figures.baseline.firstReset.median * 100,
      ) / 100;
    }
  }
  const goals = figures.process
    ? [{
      name: "process provider: median start to healthy < 500 ms",
      limit: 500,
      value: figures.process.healthy.median,
      met: figures.process.healthy.median < 500,
    }]
    : [];

  console.log(`cold start of the echo environment, ${rounds} rounds (ms)`);
  console.log("target         healthy p50   p90    min    max  | first reset p50   p90   spread");
  for (const [name, f] of Object.entries(figures)) {
    console.log(
      `${name.padEnd(14)} ${fmt(f.healthy.median).padStart(11)} ${fmt(f.healthy.p90).padStart(5)} ${
        fmt(f.healthy.min).padStart(6)
      } ${fmt(f.healthy.max).padStart(6)}  | ${fmt(f.firstReset.median).padStart(15)} ${
        fmt(f.firstReset.p90).padStart(5)
      } ${fmt(f.firstReset.spread).padStart(8)}`,
    );
  }
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}x`);
  for (const [k, v] of Object.entries(skipped)) console.log(`skipped ${k}: ${v}`);
  for (const g of goals) console.log(`${g.met ? "met" : "NOT met"}: ${g.name} (${g.value} ms)`);
  const path = await writeResult(args, "provider_cold_start", {
    rounds,
    figures,
    ratios,
    goals,
    skipped,
  });
  console.log(`wrote ${path}`);
}
