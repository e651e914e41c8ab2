import assert from "node:assert/strict";
import {
  FunctionRubric,
  Gate,
  Rubric,
  RubricDict,
  RubricList,
  Sequential,
  WeightedSum,
} from "./mod.ts";
import { AsyncConst, Const } from "./_fixtures_test.ts";

Deno.test("Sequential: empty gives 1.0, one child its score, all passing the last score", () => {
  assert.equal(new Sequential().score({}, {}), 1.0);
  assert.equal(new Sequential(new Const(0.4)).score({}, {}), 0.4);
  assert.equal(new Sequential(new Const(0.9), new Const(0.6), new Const(0.3)).score({}, {}), 0.3);
});

Deno.test("Sequential fails fast on 0 and never calls later children", () => {
  const later = new Const(1);
  const seq = new Sequential(new Const(0.5), new Const(0), later);
  assert.equal(seq.score({}, {}), 0);
  assert.equal(later.calls, 0);
  assert.equal(seq.length, 3);
  assert.equal(seq.at(2), later);
});

Deno.test("Sequential with async children at any position awaits in order and calls each once", async () => {
  for (const position of [0, 1, 2]) {
    const children = [new Const(0.9), new Const(0.8), new Const(0.7)] as (Const | AsyncConst)[];
    children[position] = new AsyncConst(children[position].value);
    const seq = new Sequential(...children);
    assert.equal(await seq.score({}, {}), 0.7);
    assert.deepEqual(children.map((c) => c.calls), [1, 1, 1]);
  }
  const stop = new Const(1);
  const failing = new Sequential(new Const(1), new AsyncConst(0), stop);
  assert.equal(await failing.score({}, {}), 0);
  assert.equal(stop.calls, 0);
});

Deno.test("Gate: passes at and above the threshold, 0 below; default threshold 1.0", async () => {
  assert.equal(new Gate(new Const(0.6), { threshold: 0.5 }).score({}, {}), 0.6);
  assert.equal(new Gate(new Const(0.5), { threshold: 0.5 }).score({}, {}), 0.5);
  assert.equal(new Gate(new Const(0.4), { threshold: 0.5 }).score({}, {}), 0);
  assert.equal(new Gate(new Const(0.99)).score({}, {}), 0);
  assert.equal(new Gate(new Const(1)).score({}, {}), 1);
  assert.equal(await new Gate(new AsyncConst(0.2), { threshold: 0.1 }).score({}, {}), 0.2);
  const g = new Gate(new Const(1), { threshold: 0.3 });
  assert.deepEqual(g.stateDict(), { threshold: 0.3 });
});

Deno.test("WeightedSum: hand-computed combinations and its checks", async () => {
  assert.equal(new WeightedSum([new Const(0.8)], [1]).score({}, {}), 0.8);
  assert.equal(new WeightedSum([new Const(1), new Const(0)], [0.5, 0.5]).score({}, {}), 0.5);
  // 0.7·1 + 0.2·0.5 + 0.1·0.25 = 0.825
  const ws = new WeightedSum([new Const(1), new Const(0.5), new Const(0.25)], [0.7, 0.2, 0.1]);
  assert.ok(Math.abs((ws.score({}, {}) as number) - 0.825) < 1e-12);
  assert.throws(() => new WeightedSum([new Const(1)], [0.5]), /Weights must sum to 1.0, got 0.5/);
  assert.throws(
    () => new WeightedSum([new Const(1), new Const(1)], [1]),
    /Number of rubrics \(2\) must match number of weights \(1\)/,
  );
  const weights = ws.weights;
  weights[0] = 99;
  assert.deepEqual(ws.weights, [0.7, 0.2, 0.1]);
  // Mixed sync and async children: 0.6·0.5 + 0.4·1 = 0.7
  const mixed = new WeightedSum([new AsyncConst(0.5), new Const(1)], [0.6, 0.4]);
  assert.ok(Math.abs(await mixed.score({}, {}) - 0.7) < 1e-12);
});

Deno.test("WeightedSum starts every async child before awaiting any", async () => {
  const started: string[] = [];
  const release = Promise.withResolvers<void>();
  class Waits extends Rubric {
    constructor(readonly name: string) {
      super();
    }
    async forward(): Promise<number> {
      started.push(this.name);
      await release.promise;
      return 1;
    }
  }
  const ws = new WeightedSum([new Waits("a"), new Waits("b")], [0.5, 0.5]);
  const pending = ws.score({}, {});
  // Both children started although neither has finished.
  assert.deepEqual(started, ["a", "b"]);
  release.resolve();
  assert.equal(await pending, 1);
});

Deno.test("async exceptions propagate through containers", async () => {
  const boom = new FunctionRubric(() => Promise.reject(new Error("judge down")));
  await assert.rejects(async () => await new WeightedSum([boom], [1]).score({}, {}), /judge down/);
  await assert.rejects(async () => await new Sequential(boom).score({}, {}), /judge down/);
});

Deno.test("RubricList: append, extend, length, at, iteration, rubric_i names; forward throws", () => {
  const list = new RubricList([new Const(1)]);
  list.append(new Const(2));
  list.extend([new Const(3)]);
  assert.equal(list.length, 3);
  assert.equal((list.at(1) as Const).value, 2);
  assert.deepEqual([...list].map((r) => (r as Const).value), [1, 2, 3]);
  assert.deepEqual([...list.namedChildren()].map(([n]) => n), ["rubric_0", "rubric_1", "rubric_2"]);
  assert.throws(() => list.score({}, {}), /RubricList.forward\(\) is not implemented/);
});

Deno.test("RubricDict: keyed access, has, keys/values/entries, update; forward throws", () => {
  const games = new RubricDict({ pong: new Const(1) });
  games.update({ breakout: new Const(0.5) });
  games.set("chess", new Const(0));
  assert.equal(games.size, 3);
  assert.ok(games.has("pong"));
  assert.ok(!games.has("go"));
  assert.deepEqual([...games.keys()], ["pong", "breakout", "chess"]);
  assert.deepEqual([...games], ["pong", "breakout", "chess"]);
  assert.deepEqual([...games.values()].map((r) => (r as Const).value), [1, 0.5, 0]);
  assert.equal(games.get("breakout").score({}, {}), 0.5);
  assert.throws(() => games.get("go"), /No rubric under key 'go'/);
  assert.throws(() => games.set("a.b", new Const(1)), /without "\."/);
  assert.equal(games.getRubric("chess"), games.get("chess"));
  assert.throws(() => games.score({}, {}), /RubricDict.forward\(\) is not implemented/);
});

Deno.test("a parent that picks from a RubricDict, nested in a WeightedSum", () => {
  class PerGame extends Rubric<unknown, { game: string }> {
    games = new RubricDict({ pong: new Const(1), chess: new Const(0.5) });
    forward(action: unknown, obs: { game: string }): number {
      return this.games.get(obs.game).score(action, obs) as number;
    }
  }
  const total = new WeightedSum([new PerGame(), new Const(0)], [0.5, 0.5]);
  assert.equal(total.score({}, { game: "chess" }), 0.25);
  assert.deepEqual([...total.namedRubrics()].map(([n]) => n), [
    "rubric_0",
    "rubric_0.games",
    "rubric_0.games.pong",
    "rubric_0.games.chess",
    "rubric_1",
  ]);
});

Deno.test("container hooks fire on sync and async paths", async () => {
  for (const child of [new Const(0.5), new AsyncConst(0.5)]) {
    const seen: string[] = [];
    const seq = new Sequential(child);
    seq.registerForwardPreHook(() => void seen.push("pre"));
    seq.registerForwardHook((_r, _a, _o, s) => void seen.push(`post:${s}`));
    assert.equal(await seq.score({}, {}), 0.5);
    assert.deepEqual(seen, ["pre", "post:0.5"]);
    assert.equal(seq.lastScore, 0.5);
  }
});
