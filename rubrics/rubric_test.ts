import assert from "node:assert/strict";
import { FunctionRubric, Gate, Rubric, Sequential, WeightedSum } from "./mod.ts";
import { AsyncConst, Const } from "./_fixtures_test.ts";

Deno.test("score returns forward's value, records lastScore, stays sync for sync rubrics", () => {
  const r = new Const(0.7);
  assert.equal(r.lastScore, null);
  const out = r.score({}, {});
  assert.equal(out, 0.7);
  assert.equal(r.lastScore, 0.7);
});

Deno.test("an async forward makes score a promise; lastScore is set once it settles", async () => {
  const r = new AsyncConst(0.3);
  const out = r.score({}, {});
  assert.ok(out instanceof Promise);
  assert.equal(await out, 0.3);
  assert.equal(r.lastScore, 0.3);
});

Deno.test("hooks: pre-hooks before forward, post-hooks after, in order, async ones awaited", async () => {
  const log: string[] = [];
  class Logged extends Rubric {
    forward(): number {
      log.push("forward");
      return 1;
    }
  }
  const r = new Logged();
  r.registerForwardPreHook(() => void log.push("pre1"));
  r.registerForwardPreHook(async () => {
    await Promise.resolve();
    log.push("pre2");
  });
  r.registerForwardHook((_r, a, o, score) => void log.push(`post1:${a}:${o}:${score}`));
  r.registerForwardHook(() => void log.push("post2"));
  assert.equal(await r.score("A", "O"), 1);
  assert.deepEqual(log, ["pre1", "pre2", "forward", "post1:A:O:1", "post2"]);
});

Deno.test("children: properties and registered ones, walked depth-first with dot paths", () => {
  class Inner extends Rubric {
    syntax = new Const(1);
    forward(): number {
      return 1;
    }
  }
  class Outer extends Rubric {
    code = new Inner();
    style = new Const(0.5);
    notARubric = 3;
    forward(): number {
      return 1;
    }
  }
  const r = new Outer();
  assert.deepEqual([...r.namedChildren()].map(([n]) => n), ["code", "style"]);
  assert.equal([...r.children()].length, 2);
  assert.deepEqual([...r.namedRubrics()].map(([n]) => n), ["code", "code.syntax", "style"]);
  assert.equal([...r.rubrics()].length, 3);
  assert.equal(r.getRubric("code.syntax"), r.code.syntax);
  assert.throws(() => r.getRubric("code.nope"), /Rubric path not found: code.nope/);

  const nested = new Sequential(new Gate(new Const(1)), new WeightedSum([new Const(1)], [1]));
  assert.deepEqual([...nested.namedRubrics()].map(([n]) => n), [
    "rubric_0",
    "rubric_0.rubric",
    "rubric_1",
    "rubric_1.rubric_0",
  ]);
});

Deno.test("reset reaches every descendant; stateDict is {} and loadStateDict accepts it", async () => {
  const resets: string[] = [];
  class Tracked extends Rubric {
    constructor(readonly name: string) {
      super();
    }
    forward(): number {
      return 1;
    }
    override reset(): Promise<void> {
      resets.push(this.name);
      return Promise.resolve();
    }
  }
  const tree = new Sequential(new Tracked("a"), new Gate(new Tracked("b")));
  await tree.reset();
  assert.deepEqual(resets, ["a", "b"]);
  assert.deepEqual(new Const(1).stateDict(), {});
  new Const(1).loadStateDict({});
});

Deno.test("FunctionRubric wraps a function and refuses anything else", () => {
  const r = new FunctionRubric((a: number, o: number) => a * o);
  assert.equal(r.score(2, 3), 6);
  assert.throws(() => new FunctionRubric(3 as never), /needs a function/);
});
