// Internal: closing an environment without letting a failing or stuck
// close() hold up the server.
import type { Environment } from "../core/environment.ts";

/** Where close() failures go; by default the console. */
export type CloseReport = (error: unknown) => void;

const logToConsole: CloseReport = (error) =>
  console.error("openenv: environment close() failed:", error);

/**
 * Calls an environment's `close()`, reporting (never throwing) a failure, and
 * waiting at most `limitMs` for it: past that, the close is reported as stuck
 * and left to finish on its own.
 */
export async function closeEnvironment(
  env: Environment,
  limitMs: number,
  report: CloseReport = logToConsole,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), limitMs);
  });
  const closing = Promise.resolve().then(() => env.close()).then(
    () => "closed" as const,
    (error) => {
      report(error);
      return "failed" as const;
    },
  );
  try {
    if (await Promise.race([closing, limit]) === "timeout") {
      report(new Error(`close() did not finish within ${limitMs / 1000}s; moving on`));
    }
  } finally {
    clearTimeout(timer);
  }
}
