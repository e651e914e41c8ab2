import assert from "node:assert/strict";
import { Environment } from "./environment.ts";
import { OpenEnvError, WS_ERROR_CODES } from "./errors.ts";
import type { Observation, State } from "./models.ts";

class Minimal extends Environment {
  closed = 0;
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: 1, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
  override close(): void {
    this.closed++;
  }
}

Deno.test("Environment: default metadata names the class", async () => {
  assert.deepEqual(await new Minimal().getMetadata(), {
    name: "Minimal",
    description: "Minimal environment",
    version: "1.0.0",
  });
});

Deno.test("Environment: `await using` closes it once", async () => {
  let env: Minimal;
  {
    await using e = new Minimal();
    env = e;
    assert.equal(e.closed, 0);
  }
  assert.equal(env.closed, 1);
});

Deno.test("OpenEnvError carries code, message, details and cause", () => {
  const cause = new Error("root");
  const e = new OpenEnvError("CAPACITY_REACHED", "full", { cause, details: { max_sessions: 1 } });
  assert.equal(e.name, "OpenEnvError");
  assert.equal(e.code, "CAPACITY_REACHED");
  assert.equal(e.message, "full");
  assert.equal(e.cause, cause);
  assert.deepEqual(e.details, { max_sessions: 1 });
  assert.deepEqual(new OpenEnvError("X", "y").details, {});
  assert.ok(e instanceof Error);
});

Deno.test("WS_ERROR_CODES are exactly the reference's seven codes", () => {
  assert.deepEqual([...WS_ERROR_CODES], [
    "INVALID_JSON",
    "UNKNOWN_TYPE",
    "VALIDATION_ERROR",
    "EXECUTION_ERROR",
    "CAPACITY_REACHED",
    "FACTORY_ERROR",
    "SESSION_ERROR",
  ]);
});
