// JavaScript as a second language: same sandbox, same limits, its own
// persistent global scope.
import assert from "node:assert/strict";
import { CodingEnvironment } from "./coding_environment.ts";

Deno.test("javascript cells: persistence, console, errors, the same walls", async () => {
  await using env = new CodingEnvironment({ timeoutS: 3 });
  await env.reset({});
  const js = (code: string) => env.step({ code, language: "javascript", metadata: {} });

  const define = await js("let a = 2;\nconst double = (x) => x * 2;\nconsole.log('defined', a)");
  assert.equal(define.exit_code, 0, define.stderr);
  assert.equal(define.stdout, "defined 2\n");
  const use = await js("a += 1;\ndouble(a) * 7");
  assert.equal(use.stdout, "42\n");
  const asyncValue = await js("(async () => { await null; return { sum: a + 1 }; })()");
  assert.equal(asyncValue.stdout, "{ sum: 4 }\n");

  const thrown = await js("console.error('about to fail');\nnull.x");
  assert.equal(thrown.exit_code, 1);
  assert.match(thrown.metadata.error ?? "", /^TypeError: Cannot read properties of null/);
  assert.match(thrown.stderr, /about to fail\n[\s\S]*at <cell 4>:2/);
  const syntax = await js("let = = 1");
  assert.equal(syntax.exit_code, 1);
  assert.match(syntax.metadata.error ?? "", /^SyntaxError/);
  assert.equal(syntax.reward, -0.1, "a syntax error costs the reference's penalty");

  const read = await js("Deno.readTextFileSync('/etc/hostname')");
  assert.match(read.metadata.error ?? "", /NotCapable: Requires read access/);
  const net = await js("fetch('http://127.0.0.1:8080/')");
  assert.equal(net.exit_code, 1);
  assert.match(net.metadata.error ?? "", /NotCapable: Requires net access/);

  // Python and JavaScript share the sandbox but not their variables.
  await env.step({ code: "py_value = 5", metadata: {} });
  assert.match((await js("typeof py_value")).stdout, /undefined/);

  // A JavaScript busy loop cannot be interrupted: it is killed, and the next cell works.
  const loop = await js("while (true) {}");
  assert.equal(loop.metadata.timed_out, true);
  assert.equal(loop.metadata.interpreter_lost, true);
  const after = await js("typeof a");
  assert.equal(after.stdout, '"undefined"\n');
});

Deno.test("typescript cells: types stripped on the host, then run as JavaScript", async () => {
  await using env = new CodingEnvironment({ timeoutS: 5 });
  await env.reset({});
  const ts = (code: string) => env.step({ code, language: "typescript", metadata: {} });
  const define = await ts(
    "interface Point { x: number; y: number }\nenum Axis { X, Y }\n" +
      "const norm = (p: Point): number => Math.hypot(p.x, p.y);\nlet origin: Point = { x: 3, y: 4 };",
  );
  assert.equal(define.exit_code, 0, define.stderr);
  const use = await ts("norm(origin) + Axis.Y");
  assert.equal(use.stdout, "6\n");
  // JavaScript cells see the same scope.
  assert.equal(
    (await env.step({ code: "origin.x", language: "javascript", metadata: {} })).stdout,
    "3\n",
  );
  const broken = await ts("let x: = 1");
  assert.equal(broken.exit_code, 1);
  assert.match(broken.metadata.error ?? "", /^SyntaxError/);
  const thrown = await ts("const f = (s: string): number => JSON.parse(s);\nf('{')");
  assert.match(thrown.metadata.error ?? "", /^SyntaxError: .*JSON/);
  assert.match(thrown.stderr, /<cell \d+>:2/, "line numbers survive the type stripping");
});
