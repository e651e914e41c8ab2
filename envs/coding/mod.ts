/**
 * `@openenv/coding`: the coding environment. Each step runs Python code in a
 * Pyodide interpreter inside a locked-down Deno subprocess (no files, network,
 * processes or environment variables; time and memory bounded); variables
 * persist across steps until reset.
 *
 * @example Run code in process
 * ```ts ignore
 * import { CodingEnvironment } from "@openenv/coding";
 *
 * await using env = new CodingEnvironment({ timeoutS: 5 });
 * await env.reset({});
 * const obs = await env.step({ code: "import math\nmath.factorial(5)", metadata: {} });
 * console.log(obs.stdout); // "120\n"
 * ```
 *
 * @module
 */
export * from "./models.ts";
export * from "./config.ts";
export * from "./rewards.ts";
export * from "./python_sandbox.ts";
export * from "./sandbox_pool.ts";
export * from "./coding_environment.ts";
export { type CodingAppOptions, createCodingApp } from "./app.ts";
export * from "./client.ts";
export * from "./web_view.ts";
