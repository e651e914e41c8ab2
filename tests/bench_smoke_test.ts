// The benchmarks in a very short mode (--smoke): proves each script runs end to
// end against real servers (ours, the raw Deno.serve baseline, the official
// Python reference) and that the report generator turns the results into
// charts and Markdown. Numbers are not checked: benchmarks are not tests.
import assert from "node:assert/strict";
import type { ResultFile } from "../bench/_cli.ts";
import type { ThroughputResult } from "../bench/_load.ts";
import type { StepLatencyData } from "../bench/step_latency.ts";
import type { ReferenceCompareData } from "../bench/reference_compare.ts";
import type { ConcurrencyData } from "../bench/concurrency.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function runDeno(args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const text = new TextDecoder();
  const stdout = text.decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `"deno run -A ${args.join(" ")}" failed with exit code ${out.code}\n--- stdout ---\n` +
        `${stdout}--- stderr ---\n${text.decode(out.stderr)}`,
    );
  }
  return stdout;
}

async function readResult<T>(dir: string, name: string): Promise<T> {
  const file: ResultFile<T> = JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
  assert.equal(file.benchmark, name);
  assert.equal(file.smoke, true);
  assert.equal(file.machine.cores, navigator.hardwareConcurrency);
  return file.data;
}

function assertThroughput(t: ThroughputResult, label: string): void {
  assert.ok(t.messages > 0, `${label}: no replies`);
  assert.ok(t.perSecond > 0, `${label}: no throughput`);
  assert.equal(t.errors, 0, `${label}: errors`);
  assert.ok(t.latency.p50 > 0 && t.latency.p99 >= t.latency.p50, `${label}: latency`);
}

Deno.test("benchmarks run in smoke mode and the report renders", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "bench_smoke_" });
  try {
    await t.step("step_latency", async () => {
      const stdout = await runDeno(["bench/step_latency.ts", "--smoke", "--out", dir]);
      assert.match(stdout, /goal median latency, 1 connection \(ours ÷ raw\): [\d.]+x/);
      const data = await readResult<StepLatencyData>(dir, "step_latency");
      for (const target of ["raw", "ours"] as const) {
        assert.ok(data.targets[target].sequential.p50 > 0, `${target} sequential`);
        for (const c of ["8", "64"]) {
          assertThroughput(data.targets[target].throughput[c], `${target} ${c} connections`);
          assert.ok(data.targets[target].throughput[c].serverCpuUs >= 0);
        }
      }
      assert.equal(data.goals.length, 5);
    });

    await t.step("reference_compare", async () => {
      await runDeno(["bench/reference_compare.ts", "--smoke", "--out", dir]);
      const data = await readResult<ReferenceCompareData>(dir, "reference_compare");
      assert.match(data.reference, /^openenv-core 0\.3\.0/);
      for (const target of ["ours", "reference"] as const) {
        assert.ok(data.targets[target].wsSequential!.p50 > 0);
        assertThroughput(data.targets[target].ws!["8"], `${target} /ws 8`);
        assertThroughput(data.targets[target].http["8"], `${target} HTTP 8`);
      }
      assertThroughput(data.targets.raw.http["1"], "raw HTTP 1");
      assert.ok(data.speedup.ws8 > 0);
    });

    await t.step("concurrency", async () => {
      await runDeno(["bench/concurrency.ts", "--smoke", "--out", dir]);
      const data = await readResult<ConcurrencyData>(dir, "concurrency");
      for (const target of ["raw", "ours", "reference"] as const) {
        const [point] = data.targets[target] ?? [];
        assert.ok(point, `no ${target} result`);
        assert.equal(point.sessions, 16);
        assert.equal(point.connected, 16, `${target}: ${point.firstError}`);
        assert.equal(point.errors, 0, `${target}: ${point.firstError}`);
        assert.ok(point.steps > 0);
        assert.ok(point.rssBefore > 0 && point.rssPeak >= point.rssBefore);
      }
    });

    await t.step("report", async () => {
      const md = `${dir}/BENCHMARKS.md`;
      await runDeno(["bench/report.ts", "--results", dir, "--markdown", md]);
      const text = await Deno.readTextFile(md);
      assert.match(text, /smoke run: numbers are meaningless/);
      for (const heading of ["## 1.", "## 2.", "## 3."]) assert.ok(text.includes(heading));
      assert.ok(!text.includes("Not run."));
      const svgs = [...text.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => m[1]);
      assert.equal(svgs.length, 5);
      for (const svg of svgs) {
        const body = await Deno.readTextFile(`${dir}/${svg}`);
        assert.match(body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.match(body, /<rect x="\d+" y="\d+" width="[\d.]+"/);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
