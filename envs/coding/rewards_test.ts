import assert from "node:assert/strict";
import { computeCodingReward } from "./rewards.ts";
import { codingConfigFromEnv, DEFAULT_CODING_REWARDS, resolveCodingConfig } from "./config.ts";

const ok = { syntaxOk: true, exitCode: 0, timedOut: false };

Deno.test("rewards follow the reference's examples", () => {
  const short = computeCodingReward({ ...ok, code: "print(1)" }, DEFAULT_CODING_REWARDS);
  assert.deepEqual(short, { reward: 0.1, safetyViolation: null });
  const dangerous = computeCodingReward({ ...ok, code: "import os" }, DEFAULT_CODING_REWARDS);
  assert.deepEqual(dangerous, { reward: -0.9, safetyViolation: String.raw`import\s+os` });
  const long = computeCodingReward(
    { ...ok, code: "x = 1\n" + "#".repeat(200) },
    DEFAULT_CODING_REWARDS,
  );
  assert.equal(long.reward, 0);
  const syntax = computeCodingReward(
    { ...ok, code: "def (", syntaxOk: false, exitCode: 1 },
    DEFAULT_CODING_REWARDS,
  );
  assert.equal(syntax.reward, -0.1);
  // Runtime errors are not penalised by default, as in the reference.
  assert.equal(
    computeCodingReward({ ...ok, code: "1/0", exitCode: 1 }, DEFAULT_CODING_REWARDS).reward,
    0.1,
  );
});

Deno.test("rewards are configurable", () => {
  const rewards = {
    ...DEFAULT_CODING_REWARDS,
    errorPenalty: -0.5,
    timeoutPenalty: -1,
    shortCodeBonus: 0,
  };
  assert.equal(computeCodingReward({ ...ok, code: "1/0", exitCode: 1 }, rewards).reward, -0.5);
  assert.equal(
    computeCodingReward({ ...ok, code: "while 1: pass", exitCode: 124, timedOut: true }, rewards)
      .reward,
    -1,
  );
});

Deno.test("config is checked and read from the environment", () => {
  assert.throws(
    () => resolveCodingConfig({ timeoutS: 0 }),
    /timeoutS must be a positive number, got '0'/,
  );
  assert.throws(() => resolveCodingConfig({ prewarmSpares: -1 }), /prewarmSpares/);
  assert.equal(resolveCodingConfig({ rewards: { errorPenalty: -1 } }).rewards.shortCodeBonus, 0.1);
  Deno.env.set("CODING_TIMEOUT_S", "7");
  Deno.env.set("CODING_MAX_STEPS", "0");
  try {
    const fromEnv = codingConfigFromEnv();
    assert.equal(fromEnv.timeoutS, 7);
    assert.equal(fromEnv.maxSteps, null);
    Deno.env.set("CODING_MEMORY_MB", "lots");
    assert.throws(() => codingConfigFromEnv(), /CODING_MEMORY_MB must be a number, got 'lots'/);
  } finally {
    Deno.env.delete("CODING_TIMEOUT_S");
    Deno.env.delete("CODING_MAX_STEPS");
    Deno.env.delete("CODING_MEMORY_MB");
  }
});
