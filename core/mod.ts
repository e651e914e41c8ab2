/**
 * The runtime-neutral core: wire models, the `Environment` contract and
 * errors. Imports nothing beyond zod.
 *
 * @module
 */
export * from "./models.ts";
export * from "./environment.ts";
export * from "./errors.ts";
export * from "./tools.ts";
