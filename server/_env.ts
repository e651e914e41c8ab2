// Internal: reading environment variables where that may not be allowed
// (a sandboxed server without --allow-env) or possible (a runtime without Deno).

/** The variable's value; undefined when unset, unreadable or not on Deno. */
export function readEnvVar(name: string): string | undefined {
  try {
    return typeof Deno !== "undefined" ? Deno.env.get(name) : undefined;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}
