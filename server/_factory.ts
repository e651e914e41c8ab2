// Internal: running an environment factory with an optional time limit. A
// factory that never finishes would otherwise hold a session slot (and its
// client) forever.
import type { Environment, EnvironmentFactory } from "../core/environment.ts";
import { closeEnvironment } from "./_close_env.ts";

/**
 * Calls `factory`, failing after `limitMs` (null: no limit). An environment
 * that arrives after the limit is closed as soon as it does.
 */
export async function buildWithin(
  factory: EnvironmentFactory,
  limitMs: number | null,
  closeTimeoutMs: number,
): Promise<Environment> {
  const built = Promise.resolve().then(() => factory());
  if (limitMs === null) return await built;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      built.then((late) => closeEnvironment(late, closeTimeoutMs), () => {});
      reject(new Error(`the factory did not finish within ${limitMs / 1000}s`));
    }, limitMs);
  });
  try {
    return await Promise.race([built, limit]);
  } finally {
    clearTimeout(timer);
  }
}
