// A sandbox whose host dies (SIGKILL) while it runs a busy loop must not be
// left spinning: its watcher thread sees the parent gone and interrupts it.
import assert from "node:assert/strict";

Deno.test("an orphaned interpreter stops when its host is killed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openenv_orphan_" });
  try {
    const script = `${dir}/host.ts`;
    await Deno.writeTextFile(
      script,
      `import { PythonSandbox } from ${
        JSON.stringify(new URL("./python_sandbox.ts", import.meta.url).href)
      };
const py = await PythonSandbox.start({ bubblewrap: false });
console.log(py.pid);
void py.run("while True:\\n    pass", { timeoutMs: 600_000 });
await new Promise(() => {});
`,
    );
    const host = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = host.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const pid = Number(text.trim());
    assert.ok(pid > 0, `the host printed '${text}'`);
    await new Promise((r) => setTimeout(r, 1000)); // the loop is running now
    host.kill("SIGKILL");
    await host.status;
    await reader.cancel().catch(() => {});
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
        alive = !/ [ZX] /.test(stat.slice(stat.lastIndexOf(")")));
      } catch {
        alive = false;
      }
      if (alive) await new Promise((r) => setTimeout(r, 100));
    }
    if (alive) Deno.kill(pid, "SIGKILL");
    assert.equal(alive, false, `the orphaned interpreter ${pid} kept running`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
