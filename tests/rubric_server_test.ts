// The server applies an environment's rubric: rewards from the rubric when the
// env leaves reward null, reset on every reset, per-step rewards at episode end.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ActionSchema,
  Environment,
  type Observation,
  ObservationSchema,
  type State,
} from "../mod.ts";
import { createApp } from "../server/mod.ts";
import { openRawSocket, startTestServer } from "../testing/mod.ts";
import {
  ExponentialDiscountingTrajectoryRubric,
  FunctionRubric,
  type Rubric,
  WeightedSum,
} from "../rubrics/mod.ts";

const Move = ActionSchema.extend({ value: z.number(), reward: z.number().optional() });
type Move = z.infer<typeof Move>;
const Obs = ObservationSchema.extend({ total: z.number() });
type Obs = z.infer<typeof Obs>;

/** Three moves per episode; the rubric sees whether the total reached 10. */
class Game extends Environment<Move, Obs> {
  readonly rubric: Rubric;
  #state: State = { episode_id: null, step_count: 0 };
  #total = 0;
  resets = 0;
  constructor(rubric: Rubric) {
    super();
    this.rubric = rubric;
  }
  reset(): Obs {
    this.resets++;
    this.#total = 0;
    this.#state = { episode_id: crypto.randomUUID(), step_count: 0 };
    return { total: 0, done: false, reward: null, metadata: {} };
  }
  step(action: Move): Obs {
    this.#state.step_count++;
    this.#total += action.value;
    return {
      total: this.#total,
      done: this.#state.step_count >= 3,
      reward: action.reward ?? null,
      metadata: {},
    };
  }
  get state(): State {
    return this.#state;
  }
}

const winRubric = () =>
  new ExponentialDiscountingTrajectoryRubric<Move, Obs>({
    gamma: 0.5,
    score: (trajectory) => (trajectory.at(-1)![1].total >= 10 ? 1 : 0.2),
  });

interface Frame {
  type: string;
  data: { observation: Observation & { metadata?: Record<string, unknown> }; reward: unknown };
}

Deno.test("over /ws: intermediate rewards, the episode score, step_rewards at the end, reset clears", async () => {
  const app = createApp(() => new Game(winRubric()), { action: Move, observation: Obs });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  for (
    const [values, final, stepRewards] of [
      [[4, 4, 4], 1, [0.25, 0.5, 1]],
      [[1, 1, 1], 0.2, [0.05, 0.1, 0.2]],
    ] as const
  ) {
    await ws.request({ type: "reset", data: {} });
    const frames: Frame[] = [];
    for (const value of values) {
      frames.push(await ws.request({ type: "step", data: { value } }) as Frame);
    }
    assert.deepEqual(frames.map((f) => f.data.reward), [0, 0, final]);
    assert.equal(frames[0].data.observation.metadata, undefined);
    // The trajectory was cleared by reset: three steps, not six.
    assert.deepEqual(frames[2].data.observation.metadata, { step_rewards: stepRewards });
  }
});

Deno.test("a reward set by the environment wins; the rubric still sees the step", async () => {
  const seen: number[] = [];
  const rubric = new FunctionRubric((a: Move) => {
    seen.push(a.value);
    return 0.5;
  });
  const app = createApp(() => new Game(rubric), { action: Move, observation: Obs });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  await ws.request({ type: "reset", data: {} });
  const own = await ws.request({ type: "step", data: { value: 1, reward: 7 } }) as Frame;
  const fromRubric = await ws.request({ type: "step", data: { value: 2 } }) as Frame;
  assert.equal(own.data.reward, 7);
  assert.equal(fromRubric.data.reward, 0.5);
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("over HTTP /step (throwaway env): the rubric scores the step; async rubrics work", async () => {
  const judge = new FunctionRubric(async (a: Move) => {
    await Promise.resolve();
    return a.value / 10;
  });
  const app = createApp(
    () => new Game(new WeightedSum([judge, new FunctionRubric(() => 1)], [0.5, 0.5])),
    { action: Move, observation: Obs },
  );
  await using server = startTestServer(app);
  const res = await fetch(`${server.url}/step`, {
    method: "POST",
    body: JSON.stringify({ action: { value: 4 } }),
  });
  assert.deepEqual(await res.json(), { observation: { total: 4 }, reward: 0.7, done: false });
});

Deno.test("an environment without a rubric is untouched", async () => {
  class Plain extends Game {
    override readonly rubric = undefined as unknown as Rubric;
  }
  const app = createApp(() => new Plain(winRubric()), { action: Move, observation: Obs });
  await using server = startTestServer(app);
  const res = await fetch(`${server.url}/step`, {
    method: "POST",
    body: JSON.stringify({ action: { value: 4 } }),
  });
  assert.equal((await res.json()).reward, null);
});
