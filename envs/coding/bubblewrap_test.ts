// The optional second wall: the interpreter's subprocess under bubblewrap
// (apt's `bubblewrap`, which .ci/run installs) gets its own network and PID
// namespaces, and a timeout still kills the whole tree.
import assert from "node:assert/strict";
import { bubblewrapAvailable, PythonSandbox } from "./python_sandbox.ts";

function descendants(pid: number): number[] {
  let children: string[] = [];
  try {
    children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/);
  } catch {
    return [];
  }
  return children.filter(Boolean).map(Number).flatMap((c) => [c, ...descendants(c)]);
}

Deno.test("bubblewrap walls the interpreter into its own namespaces", async () => {
  assert.ok(
    await bubblewrapAvailable(),
    "bwrap is missing or does not work: install it with 'apt-get install -y bubblewrap' (.ci/run does)",
  );
  await using py = await PythonSandbox.start({ bubblewrap: true });
  assert.equal(py.bubblewrapped, true);
  const result = await py.run("x = 41\nprint(x + 1)");
  assert.equal(result.stdout, "42\n");
  const tree = descendants(py.pid);
  assert.ok(tree.length >= 1, "bwrap runs the interpreter as a descendant");
  const ownNet = Deno.readLinkSync("/proc/self/ns/net");
  const ownPid = Deno.readLinkSync("/proc/self/ns/pid");
  const inner = tree.at(-1)!;
  assert.notEqual(Deno.readLinkSync(`/proc/${inner}/ns/net`), ownNet);
  assert.notEqual(Deno.readLinkSync(`/proc/${inner}/ns/pid`), ownPid);
  // Deno's permissions still apply inside.
  const escape = await py.run(
    "import pyodide_js\npyodide_js.constructor.constructor('return Deno.env.get(\"HOME\")')()",
  );
  assert.match(escape.error ?? "", /NotCapable/);
  // A run that ignores its interrupt is killed: bwrap and, through it, every
  // process of the sandbox.
  const loop = await py.run(
    "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
    { timeoutMs: 1000 },
  );
  assert.equal(loop.timedOut, true);
  assert.equal(py.alive, false);
  for (const pid of tree) {
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try {
        const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
        gone = / [ZX] /.test(stat.slice(stat.lastIndexOf(")")));
      } catch {
        gone = true;
      }
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(gone, `process ${pid} of the sandbox outlived the timeout`);
  }
});
