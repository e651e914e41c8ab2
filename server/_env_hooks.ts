// Internal: the optional hooks an environment may offer the server.
//
// - `setServerMode(mode)`: the server tells every environment it builds which
//   mode it runs in (the reference never does: its mode-aware tools read an
//   `_mode` nobody sets).
// - `rubric`: an object with `score(action, observation)` and `reset()` (a
//   `Rubric` from `@openenv/core/rubrics`). The server resets it before each
//   reset, calls it after each step, uses its score as the reward when the
//   environment left `reward` null, and at the end of an episode puts the
//   per-step rewards of a trajectory rubric (`computeStepRewards()`) into the
//   observation's `metadata.step_rewards`.
import type {
  Environment,
  EnvironmentFactory,
  ResetOptions,
  StepOptions,
} from "../core/environment.ts";

type Mode = "simulation" | "production";

interface AttachedRubric {
  score(action: unknown, observation: unknown): unknown;
  reset(): unknown;
  computeStepRewards?: () => unknown;
}

/** Wraps a factory so every environment learns the server mode. */
export function withServerMode(factory: EnvironmentFactory, mode: Mode): EnvironmentFactory {
  const wrapped = async () => {
    const env = await factory();
    const hook = (env as { setServerMode?: unknown } | null)?.setServerMode;
    if (typeof hook === "function") hook.call(env, mode);
    return env;
  };
  Object.defineProperty(wrapped, "name", { value: factory.name });
  return wrapped;
}

/** The environment's rubric, if it has one. */
export function rubricOf(env: Environment): AttachedRubric | undefined {
  const rubric = (env as { rubric?: unknown }).rubric as AttachedRubric | null | undefined;
  if (
    rubric && typeof rubric === "object" && typeof rubric.score === "function" &&
    typeof rubric.reset === "function"
  ) return rubric;
  return undefined;
}

/** Resets the environment's rubric, then the environment. */
export async function resetWithRubric(env: Environment, options: ResetOptions): Promise<unknown> {
  const rubric = rubricOf(env);
  if (rubric) await rubric.reset();
  return await env.reset(options);
}

/** Steps the environment, then scores the step with its rubric. */
export async function stepWithRubric(
  env: Environment,
  action: unknown,
  options: StepOptions,
): Promise<unknown> {
  // deno-lint-ignore no-explicit-any
  const obs = await env.step(action as any, options);
  const rubric = rubricOf(env);
  if (!rubric || obs === null || typeof obs !== "object") return obs;
  const out: Record<string, unknown> = { ...(obs as Record<string, unknown>) };
  // The rubric sees every step, so trajectory rubrics get whole episodes.
  const score = await rubric.score(action, out);
  if (out.reward === null || out.reward === undefined) {
    out.reward = typeof score === "number" || typeof score === "boolean" ? score : null;
  }
  if (out.done === true && typeof rubric.computeStepRewards === "function") {
    const stepRewards = await rubric.computeStepRewards();
    const metadata = out.metadata !== null && typeof out.metadata === "object"
      ? out.metadata as Record<string, unknown>
      : {};
    out.metadata = { ...metadata, step_rewards: stepRewards };
  }
  return out;
}
