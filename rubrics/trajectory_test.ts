import assert from "node:assert/strict";
import {
  ExponentialDiscountingTrajectoryRubric,
  TerminalTrajectoryRubric,
  type TrajectoryStep,
  UniformTrajectoryRubric,
} from "./mod.ts";

interface Obs {
  done: boolean;
  outcome?: "win" | "loss" | "draw";
}

const outcomeScore = (trajectory: TrajectoryStep<string, Obs>[]) => {
  const outcome = trajectory.at(-1)![1].outcome;
  return outcome === "win" ? 1 : outcome === "draw" ? 0.5 : 0;
};

function play<R extends { score(a: string, o: Obs): unknown }>(
  rubric: R,
  steps: number,
  outcome: Obs["outcome"],
): unknown[] {
  const scores = [];
  for (let i = 0; i < steps; i++) {
    const done = i === steps - 1;
    scores.push(rubric.score(`move${i}`, done ? { done, outcome } : { done }));
  }
  return scores;
}

const close = (actual: number[], expected: number[]) => {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-12, `${actual} vs ${expected}`)
  );
};

Deno.test("intermediate reward until done, then the trajectory score", () => {
  const r = new ExponentialDiscountingTrajectoryRubric({ score: outcomeScore });
  assert.deepEqual(play(r, 3, "win"), [0, 0, 1]);
  const custom = new ExponentialDiscountingTrajectoryRubric({
    intermediateReward: 0.1,
    score: outcomeScore,
  });
  assert.deepEqual(play(custom, 3, "draw"), [0.1, 0.1, 0.5]);
});

Deno.test("exponential discounting, hand-computed: γ=1 equal, γ=0 last only, γ=0.5 halves", () => {
  const g1 = new ExponentialDiscountingTrajectoryRubric({ gamma: 1, score: outcomeScore });
  play(g1, 3, "win");
  assert.deepEqual(g1.computeStepRewards(), [1, 1, 1]);
  const g0 = new ExponentialDiscountingTrajectoryRubric({ gamma: 0, score: outcomeScore });
  play(g0, 3, "win");
  assert.deepEqual(g0.computeStepRewards(), [0, 0, 1]);
  const half = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.5, score: outcomeScore });
  play(half, 3, "win");
  assert.deepEqual(half.computeStepRewards(), [0.25, 0.5, 1]);
  const draw = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.5, score: outcomeScore });
  play(draw, 3, "draw");
  assert.deepEqual(draw.computeStepRewards(), [0.125, 0.25, 0.5]);
  const loss = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.9, score: outcomeScore });
  play(loss, 4, "loss");
  assert.deepEqual(loss.computeStepRewards(), [0, 0, 0, 0]);
});

Deno.test("100 steps with γ=0.99: first 0.99^99, last 1", () => {
  const r = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.99, score: outcomeScore });
  play(r, 100, "win");
  const rewards = r.computeStepRewards() as number[];
  assert.equal(rewards.length, 100);
  assert.ok(Math.abs(rewards[0] - 0.99 ** 99) < 1e-12);
  assert.equal(rewards[99], 1);
  assert.ok(Math.abs(rewards[98] - 0.99) < 1e-12);
});

Deno.test("uniform credit: R/T each, summing to R", () => {
  const r = new UniformTrajectoryRubric({ score: outcomeScore });
  play(r, 4, "draw");
  close(r.computeStepRewards() as number[], [0.125, 0.125, 0.125, 0.125]);
  const five = new UniformTrajectoryRubric({ score: () => 1 });
  play(five, 5, "win");
  close(five.computeStepRewards() as number[], [0.2, 0.2, 0.2, 0.2, 0.2]);
});

Deno.test("terminal credit: all of R on the last step", () => {
  const r = new TerminalTrajectoryRubric({ score: outcomeScore });
  play(r, 3, "draw");
  assert.deepEqual(r.computeStepRewards(), [0, 0, 0.5]);
});

Deno.test("empty trajectory gives [], reset clears, trajectory is a copy", () => {
  const r = new UniformTrajectoryRubric({ score: outcomeScore });
  assert.deepEqual(r.computeStepRewards(), []);
  play(r, 2, "win");
  const copy = r.trajectory;
  copy.pop();
  assert.equal(r.trajectory.length, 2);
  assert.deepEqual(r.trajectory[0], ["move0", { done: false }]);
  r.reset();
  assert.deepEqual(r.trajectory, []);
  // A new episode after reset starts fresh.
  play(r, 3, "win");
  close(r.computeStepRewards() as number[], [1 / 3, 1 / 3, 1 / 3]);
});

Deno.test("an observation without done counts as not done; gamma is checked", () => {
  const r = new TerminalTrajectoryRubric({ score: () => 1 });
  assert.equal(r.score("a", {} as Obs), 0);
  assert.equal(r.score("b", null as unknown as Obs), 0);
  assert.throws(
    () => new ExponentialDiscountingTrajectoryRubric({ gamma: 1.5 }),
    /gamma must be in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => new ExponentialDiscountingTrajectoryRubric({ gamma: -0.1 }),
    /gamma must be in/,
  );
  const bare = new TerminalTrajectoryRubric();
  assert.throws(
    () => bare.score("a", { done: true }),
    /override scoreTrajectory\(\) or pass options.score/,
  );
});

Deno.test("stateDict/loadStateDict round-trip intermediate_reward and gamma", () => {
  const a = new ExponentialDiscountingTrajectoryRubric({ gamma: 0.9, intermediateReward: 0.2 });
  assert.deepEqual(a.stateDict(), { intermediate_reward: 0.2, gamma: 0.9 });
  const b = new ExponentialDiscountingTrajectoryRubric();
  b.loadStateDict(a.stateDict());
  assert.equal(b.gamma, 0.9);
  assert.equal(b.intermediateReward, 0.2);
});

Deno.test("hooks fire every step; an async scorer runs once per episode", async () => {
  let scored = 0;
  const r = new ExponentialDiscountingTrajectoryRubric<string, Obs>({
    gamma: 0.5,
    score: async () => {
      scored++;
      await Promise.resolve();
      return 0.8;
    },
  });
  const seen: number[] = [];
  r.registerForwardHook((_r, _a, _o, s) => void seen.push(s));
  assert.equal(await r.score("a", { done: false }), 0);
  assert.equal(await r.score("b", { done: true }), 0.8);
  assert.deepEqual(seen, [0, 0.8]);
  assert.deepEqual(await r.computeStepRewards(), [0.4, 0.8]);
  assert.equal(scored, 1, "the final score is reused by computeStepRewards");
});
