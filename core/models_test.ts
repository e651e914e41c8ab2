import assert from "node:assert/strict";
import { ActionSchema, ObservationSchema, StateSchema, toStepPayload } from "./models.ts";

Deno.test("toStepPayload() hoists reward and done and drops empty metadata", () => {
  const payload = toStepPayload({ done: true, reward: 0.5, metadata: {}, text: "hi", n: 2 });
  assert.deepEqual(payload, { observation: { text: "hi", n: 2 }, reward: 0.5, done: true });
  assert.deepEqual(Object.keys(payload), ["observation", "reward", "done"]);
});

Deno.test("toStepPayload() keeps non-empty metadata inside the observation", () => {
  const payload = toStepPayload({ done: false, reward: null, metadata: { step: 1 }, a: 1 });
  assert.deepEqual(payload.observation, { a: 1, metadata: { step: 1 } });
});

Deno.test("toStepPayload() keeps field order of the observation", () => {
  const payload = toStepPayload({ z: 1, done: false, a: 2, reward: 1, m: 3, metadata: {} });
  assert.deepEqual(Object.keys(payload.observation), ["z", "a", "m"]);
});

Deno.test("toStepPayload() normalizes missing or odd reward and done values", () => {
  assert.deepEqual(toStepPayload({}), { observation: {}, reward: null, done: false });
  const odd = toStepPayload({ reward: "1", done: "yes", metadata: null });
  assert.deepEqual(odd, { observation: {}, reward: null, done: false });
  assert.equal(toStepPayload({ reward: true }).reward, true);
  assert.equal(toStepPayload({ reward: 0 }).reward, 0);
});

Deno.test("toStepPayload() does not modify the observation it is given", () => {
  const obs = { done: false, reward: 1, metadata: { k: 1 }, x: 1 };
  toStepPayload(obs);
  assert.deepEqual(obs, { done: false, reward: 1, metadata: { k: 1 }, x: 1 });
});

Deno.test("base schemas: actions and observations forbid extras, state keeps them", () => {
  assert.equal(ActionSchema.safeParse({ bogus: 1 }).success, false);
  assert.deepEqual(ActionSchema.parse({}), { metadata: {} });
  assert.equal(ObservationSchema.safeParse({ bogus: 1 }).success, false);
  assert.deepEqual(ObservationSchema.parse({}), { done: false, reward: null, metadata: {} });
  assert.deepEqual(StateSchema.parse({ extra: 1 }), { episode_id: null, step_count: 0, extra: 1 });
  assert.equal(StateSchema.safeParse({ step_count: -1 }).success, false);
});
