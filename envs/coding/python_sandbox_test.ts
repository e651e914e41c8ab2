import assert from "node:assert/strict";
import { PythonSandbox } from "./python_sandbox.ts";

Deno.test("the snapshot file is written once, reused, and a broken one falls back to a cold start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openenv_snapshot_" });
  try {
    const path = `${dir}/pyodide.snapshot`;
    {
      await using py = await PythonSandbox.start({ snapshotPath: path, bubblewrap: false });
      assert.equal((await py.run("print(1 + 1)")).stdout, "2\n");
    }
    const written = await Deno.stat(path);
    assert.ok(written.size > 1_000_000, `snapshot of ${written.size} bytes`);
    // A corrupt file at another path: the sandbox still starts (cold).
    const broken = `${dir}/broken.snapshot`;
    await Deno.writeFile(broken, new Uint8Array(1024).fill(7));
    await using cold = await PythonSandbox.start({ snapshotPath: broken, bubblewrap: false });
    assert.equal((await cold.run("import sys\nprint(sys.version_info[0])")).stdout, "3\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
