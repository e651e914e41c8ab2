/**
 * The rollout harness: collect episodes in parallel with a policy (a
 * function, or any OpenAI-compatible chat endpoint with tool calling), write
 * them as JSONL (resumable), and evaluate a policy over fixed seeds with
 * confidence intervals. Uses Deno's file APIs for output.
 *
 * @example Collect with a scripted policy, then evaluate
 * ```ts ignore
 * import { collect, evaluate } from "@openenv/core/harness";
 *
 * const policy = ({ step }: { step: number }) => (step < 2 ? { message: "hi" } : null);
 * await collect({ baseUrls: ["http://127.0.0.1:8000"], episodes: 32, policy, outDir: "runs/1" });
 * const report = await evaluate({ baseUrls: ["http://127.0.0.1:8000"], seeds: [1, 2, 3], policy });
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./collect.ts";
export * from "./evaluate.ts";
export * from "./openai_policy.ts";
