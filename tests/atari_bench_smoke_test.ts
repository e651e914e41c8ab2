// bench/atari_throughput.ts in its short mode: proves the script drives ale-py
// directly and our Atari environment (in process and over /ws) end to end.
// Numbers are not checked: benchmarks are not tests.
import assert from "node:assert/strict";

Deno.test("the Atari throughput benchmark runs in smoke mode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atari_bench_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../bench/atari_throughput.ts", import.meta.url).pathname,
        "--smoke",
        "--out",
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const text = new TextDecoder();
    assert.ok(
      out.success,
      `the benchmark failed:\n${text.decode(out.stdout)}\n${text.decode(out.stderr)}`,
    );
    const file = JSON.parse(await Deno.readTextFile(`${dir}/atari_throughput.json`));
    assert.equal(file.benchmark, "atari_throughput");
    assert.equal(file.smoke, true);
    const sps = file.data.steps_per_s;
    for (const key of ["ale_py_direct", "ours_in_process", "ours_over_ws"]) {
      assert.ok(sps[key] > 0, `${key} measured nothing`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
