/**
 * The commands of `openenv`: each module exports its `CommandSpec` (flags,
 * help) and its `run` function.
 *
 * @example
 * ```ts ignore
 * import { COMMANDS } from "./mod.ts";
 *
 * console.log(COMMANDS.map((c) => c.spec.name)); // ["init", "serve", ...]
 * ```
 *
 * @module
 */
import type { CommandSpec, ParsedCommand } from "../_args.ts";
import { initSpec, runInit } from "./init.ts";
import { runServe, serveSpec } from "./serve.ts";
import { buildSpec, runBuild } from "./build.ts";
import { runValidate, validateSpec } from "./validate.ts";
import { pushSpec, runPush } from "./push.ts";
import { forkSpec, runFork } from "./fork.ts";
import { collectSpec, evaluateSpec, runCollect, runEvaluate } from "./collect.ts";

/** A command: its declaration and its implementation. */
export interface Command {
  /** Flags, arguments and help. */
  spec: CommandSpec;
  /** Runs it and returns the exit code. */
  run: (parsed: ParsedCommand) => Promise<number>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  { spec: initSpec, run: runInit },
  { spec: serveSpec, run: runServe },
  { spec: buildSpec, run: runBuild },
  { spec: validateSpec, run: runValidate },
  { spec: pushSpec, run: runPush },
  { spec: forkSpec, run: runFork },
  { spec: collectSpec, run: runCollect },
  { spec: evaluateSpec, run: runEvaluate },
];
