/**
 * Validation of environment folders and running servers, with reports in the
 * JSON shape of the official `openenv validate`.
 *
 * @example
 * ```ts ignore
 * import { formatReport, validateRunningServer } from "@openenv/cli/lib";
 *
 * console.log(formatReport(await validateRunningServer("http://127.0.0.1:8000")));
 * ```
 *
 * @module
 */
export * from "./report.ts";
export * from "./local.ts";
export * from "./runtime.ts";
