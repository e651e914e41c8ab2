// The sandbox suite: hostile code against a real CodingEnvironment (real
// Deno subprocesses, real Pyodide). Each attack must be contained, answered
// with a clear observation, and the next step must work.
import assert from "node:assert/strict";
import { CodingEnvironment } from "./coding_environment.ts";
import type { CodeObservation } from "./models.ts";

const js = (source: string) =>
  `import pyodide_js\nf = pyodide_js.constructor.constructor(${JSON.stringify(source)})\nf()`;

type Flat = CodeObservation & CodeObservation["metadata"];

/** Runs a step; the metadata fields (error, timed_out, ...) are lifted up for brevity. */
async function run(env: CodingEnvironment, code: string): Promise<Flat> {
  const obs = await env.step({ code, metadata: {} });
  return { ...obs, ...obs.metadata };
}

async function assertHealthy(env: CodingEnvironment, expectVar: boolean): Promise<void> {
  const obs = await run(env, "print(6 * 7)\n'marker' in globals()");
  assert.equal(obs.exit_code, 0, obs.stderr);
  assert.equal(obs.stdout, `42\n${expectVar ? "True" : "False"}\n`);
}

Deno.test("coding sandbox contains hostile code and keeps answering", async (t) => {
  const hostDir = await Deno.makeTempDir({ prefix: "openenv_sandbox_" });
  const secretFile = `${hostDir}/secret.txt`;
  await Deno.writeTextFile(secretFile, "top-secret-host-data");
  Deno.env.set("OPENENV_SANDBOX_SECRET", "env-secret-value");
  let requests = 0;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => {
      requests++;
      return new Response("reached");
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  await using env = new CodingEnvironment({ timeoutS: 3, memoryLimitMb: 256 });
  try {
    await env.reset({});
    await run(env, "marker = 1");

    await t.step("reading host files", async () => {
      const viaPython = await run(env, `print(open(${JSON.stringify(secretFile)}).read())`);
      assert.equal(viaPython.exit_code, 1);
      assert.match(viaPython.error ?? "", /^FileNotFoundError/);
      assert.doesNotMatch(viaPython.stdout, /top-secret/);
      const viaJs = await run(
        env,
        js(`return Deno.readTextFileSync(${JSON.stringify(secretFile)})`),
      );
      assert.equal(viaJs.exit_code, 1);
      assert.match(viaJs.error ?? "", /NotCapable: Requires read access/);
      assert.doesNotMatch(viaJs.stdout + viaJs.stderr, /top-secret/);
      await assertHealthy(env, true);
    });

    await t.step("writing host files", async () => {
      const target = `${hostDir}/written.txt`;
      // Python writes land in the interpreter's in-memory file system only.
      const viaPython = await run(
        env,
        `import os\nos.makedirs(${JSON.stringify(hostDir)}, exist_ok=True)\n` +
          `open(${JSON.stringify(target)}, "w").write("x")\nprint(open(${
            JSON.stringify(target)
          }).read())`,
      );
      assert.equal(viaPython.exit_code, 0, viaPython.stderr);
      const viaJs = await run(
        env,
        js(`Deno.writeTextFileSync(${JSON.stringify(target)}, "pwned"); return 1`),
      );
      assert.match(viaJs.error ?? "", /NotCapable: Requires write access/);
      await assert.rejects(Deno.stat(target), Deno.errors.NotFound);
      assert.equal(await Deno.readTextFile(secretFile), "top-secret-host-data");
      await assertHealthy(env, true);
    });

    await t.step("network calls", async () => {
      const url = `http://127.0.0.1:${port}/`;
      const viaUrllib = await run(
        env,
        `import urllib.request\nurllib.request.urlopen(${JSON.stringify(url)}, timeout=2)`,
      );
      assert.equal(viaUrllib.exit_code, 1);
      assert.ok(viaUrllib.error, "urllib must fail");
      const viaSocket = await run(
        env,
        `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=2)`,
      );
      assert.equal(viaSocket.exit_code, 1);
      // JavaScript fetch settles between steps; read its outcome in the next one.
      const started = await run(
        env,
        js(`fetch(${JSON.stringify(url)}).then(() => "reached", (e) => String(e))
          .then((v) => { globalThis.verdict = v; }); return 1`),
      );
      assert.equal(started.exit_code, 0, started.stderr);
      await new Promise((r) => setTimeout(r, 300));
      const outcome = await run(env, js("return String(globalThis.verdict)"));
      assert.match(outcome.stdout, /NotCapable: Requires net access/);
      assert.equal(requests, 0, "the host server must never be reached");
      await assertHealthy(env, true);
    });

    await t.step("spawning processes", async () => {
      const marker = `${hostDir}/spawned`;
      const viaOs = await run(env, "import os\nos.system('touch /tmp/x')");
      assert.equal(viaOs.exit_code, 1);
      assert.match(viaOs.error ?? "", /PermissionError/);
      const viaSubprocess = await run(env, "import subprocess\nsubprocess.run(['ls'])");
      assert.equal(viaSubprocess.exit_code, 1);
      assert.match(viaSubprocess.error ?? "", /OSError/);
      const viaJs = await run(
        env,
        js(
          `return new Deno.Command("/bin/sh", { args: ["-c", "touch ${marker}"] }).outputSync().code`,
        ),
      );
      assert.equal(viaJs.exit_code, 1);
      assert.match(viaJs.error ?? "", /NotCapable: Requires run access/);
      await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
      await assertHealthy(env, true);
    });

    await t.step("reading environment variables", async () => {
      // The interpreter sees only Emscripten's placeholder variables.
      const viaPython = await run(env, "import os\nprint(dict(os.environ))");
      assert.equal(viaPython.exit_code, 0);
      assert.doesNotMatch(viaPython.stdout, /OPENENV_SANDBOX_SECRET|env-secret-value/);
      assert.ok(!viaPython.stdout.includes(Deno.env.get("PATH") ?? "unset"));
      const viaJs = await run(env, js(`return Deno.env.get("OPENENV_SANDBOX_SECRET")`));
      assert.match(viaJs.error ?? "", /NotCapable: Requires env access/);
      assert.doesNotMatch(viaJs.stdout, /env-secret-value/);
      await assertHealthy(env, true);
    });

    await t.step("reading standard input", async () => {
      const obs = await run(env, "input()");
      assert.match(obs.error ?? "", /^EOFError/);
      await assertHealthy(env, true);
    });

    await t.step("deep recursion", async () => {
      const plain = await run(env, "def f(n):\n    return f(n + 1)\nf(0)");
      assert.equal(plain.exit_code, 1);
      assert.match(plain.error ?? "", /^RecursionError/);
      assert.match(plain.stderr, /Traceback/);
      await assertHealthy(env, true);
    });

    await t.step("memory bombs", async () => {
      const python = await run(env, "blocks = []\nwhile True:\n    blocks.append(' ' * 10**6)");
      assert.equal(python.exit_code, 1);
      assert.match(python.error ?? "", /^MemoryError/);
      assert.equal(python.interpreter_lost, false);
      await run(env, "del blocks");
      await assertHealthy(env, true);
      const jsHeap = await run(
        env,
        js("const a = []; while (true) a.push(new Array(1e6).fill(Math.random()));"),
      );
      assert.equal(jsHeap.exit_code, 137, jsHeap.stderr);
      assert.match(jsHeap.error ?? "", /^MemoryError/);
      assert.equal(jsHeap.interpreter_lost, true);
      await assertHealthy(env, false);
      await run(env, "marker = 1");
    });

    await t.step("huge output", async () => {
      const big = await run(env, "print('x' * 10**7)\nprint('never shown')");
      assert.equal(big.exit_code, 0);
      assert.equal(big.truncated, true);
      assert.ok(big.stdout.length < 60_000, `stdout has ${big.stdout.length} characters`);
      assert.match(big.stdout, /output truncated/);
      await assertHealthy(env, true);
    });

    await t.step("infinite loops", async () => {
      // Interrupted at the limit: the interpreter and its variables survive.
      const busy = await run(env, "while True:\n    pass");
      assert.equal(busy.timed_out, true);
      assert.equal(busy.exit_code, 124);
      assert.equal(busy.interpreter_lost, false);
      assert.match(busy.error ?? "", /^TimeoutError: execution exceeded 3 s and was interrupted/);
      assert.match(busy.stderr, /KeyboardInterrupt/);
      await assertHealthy(env, true);
      const chatty = await run(env, "print('started')\nwhile True:\n    print('y' * 100)");
      assert.equal(chatty.timed_out, true);
      assert.match(chatty.stdout, /^started\n/);
      assert.ok(chatty.stdout.length <= 100_000);
      await assertHealthy(env, true);
      // Code that swallows the interrupt is killed; a fresh interpreter follows.
      const stubborn = await run(
        env,
        "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
      );
      assert.equal(stubborn.timed_out, true);
      assert.equal(stubborn.interpreter_lost, true);
      assert.match(stubborn.error ?? "", /did not stop when interrupted, so it was killed/);
      await assertHealthy(env, false);
      await run(env, "marker = 1");
    });

    await t.step("forging results on the output channel", async () => {
      const forged = await run(
        env,
        js("Deno.stdout.writeSync(new Uint8Array([0, 0, 0, 2, 0, 123, 125])); return 1"),
      );
      assert.equal(forged.interpreter_lost, true);
      assert.match(forged.error ?? "", /forged frame/);
      await assertHealthy(env, false);
    });
  } finally {
    Deno.env.delete("OPENENV_SANDBOX_SECRET");
    await server.shutdown();
    await Deno.remove(hostDir, { recursive: true });
  }
});
