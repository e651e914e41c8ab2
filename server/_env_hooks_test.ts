import assert from "node:assert/strict";
import { Environment, type Observation, type State } from "../core/mod.ts";
import { resetWithRubric, rubricOf, stepWithRubric, withServerMode } from "./_env_hooks.ts";

class Plain extends Environment {
  readonly state: State = { episode_id: null, step_count: 0 };
  mode?: string;
  rubric?: unknown;
  next: Observation = { done: false, reward: null, metadata: { kept: 1 } };
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return this.next;
  }
}

Deno.test("withServerMode tells environments that have setServerMode, keeps the factory name", async () => {
  class Moded extends Plain {
    setServerMode(mode: string) {
      this.mode = mode;
    }
  }
  const factory = function makeEnv() {
    return new Moded();
  };
  const wrapped = withServerMode(factory, "production");
  assert.equal(wrapped.name, "makeEnv");
  assert.equal(((await wrapped()) as Moded).mode, "production");
  // Environments without the hook are left alone.
  assert.equal(
    ((await withServerMode(() => new Plain(), "simulation")()) as Plain).mode,
    undefined,
  );
});

Deno.test("rubricOf accepts only objects with score() and reset()", () => {
  const env = new Plain();
  for (const bad of [null, 3, {}, { score: () => 1 }, { reset: () => {} }]) {
    env.rubric = bad;
    assert.equal(rubricOf(env), undefined);
  }
  const ok = { score: () => 1, reset: () => {} };
  env.rubric = ok;
  assert.equal(rubricOf(env), ok);
});

Deno.test("stepWithRubric copies the observation, fills a null reward, keeps metadata", async () => {
  const env = new Plain();
  const resets: number[] = [];
  env.rubric = {
    score: () => 0.25,
    reset: () => void resets.push(1),
    computeStepRewards: () => [0.1, 0.25],
  };
  const out = await stepWithRubric(env, {}, {}) as Observation;
  assert.equal(out.reward, 0.25);
  assert.equal(env.next.reward, null, "the environment's object is not mutated");
  assert.deepEqual(out.metadata, { kept: 1 });
  env.next = { done: true, reward: null, metadata: { kept: 1 } };
  const last = await stepWithRubric(env, {}, {}) as Observation;
  assert.deepEqual(last.metadata, { kept: 1, step_rewards: [0.1, 0.25] });
  await resetWithRubric(env, {});
  assert.equal(resets.length, 1);
  // A score that is not a number leaves the reward null.
  env.rubric = { score: () => "high", reset: () => {} };
  env.next = { done: false, reward: null, metadata: {} };
  assert.equal(((await stepWithRubric(env, {}, {})) as Observation).reward, null);
});
