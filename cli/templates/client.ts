/**
 * The typed client of a new environment (`client.ts`) and its test.
 *
 * @module
 */
import type { EnvNames } from "./names.ts";

/** `client.ts` and `client_test.ts`. Filled in once `@openenv/core/client` exists. */
export function clientTs(_n: EnvNames): Map<string, string> {
  return new Map();
}
