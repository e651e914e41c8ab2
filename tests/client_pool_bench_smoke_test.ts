// bench/client_pool.ts in its very short mode (--smoke): proves the script
// runs end to end (our server in its own process, the raw WebSocket baseline
// and the EnvPool modes) and writes a well-formed result. Numbers are not
// checked: benchmarks are not tests.
import assert from "node:assert/strict";
import type { ResultFile } from "../bench/_cli.ts";
import type { ClientPoolData } from "../bench/client_pool.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("bench/client_pool.ts runs in smoke mode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "client_pool_smoke_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "bench/client_pool.ts", "--smoke", "--out", dir],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const text = new TextDecoder();
    assert.ok(
      out.success,
      `bench/client_pool.ts failed (${out.code}):\n${text.decode(out.stdout)}${
        text.decode(out.stderr)
      }`,
    );
    const file: ResultFile<ClientPoolData> = JSON.parse(
      await Deno.readTextFile(`${dir}/client_pool.json`),
    );
    assert.equal(file.benchmark, "client_pool");
    assert.equal(file.smoke, true);
    assert.deepEqual(Object.keys(file.data.sizes), ["1", "8", "64"]);
    for (const [size, r] of Object.entries(file.data.sizes)) {
      for (const key of ["raw", "pool_closed_loop", "pool_step_all"] as const) {
        assert.ok(r[key] > 0, `size ${size}: ${key} is ${r[key]}`);
      }
    }
    assert.ok(file.data.cpu.raw_us > 0 && file.data.cpu.client_us > 0, "CPU per step");
    assert.equal(file.data.goals.length, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
