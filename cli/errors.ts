/**
 * Errors the CLI turns into exit codes: {@linkcode UsageError} (exit 2, bad
 * flags or arguments) and {@linkcode CliError} (exit 1, the command failed).
 *
 * @module
 */

/** Exit codes of the `openenv` command. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The command ran and failed (validation failed, build failed, network error). */
  Failure: 1,
  /** The command line was wrong (unknown flag, missing argument). */
  Usage: 2,
  /** Interrupted with Ctrl-C. */
  Interrupted: 130,
} as const;

/**
 * A failure the user can act on; the CLI prints its message and exits 1.
 *
 * @example
 * ```ts
 * import { CliError } from "@openenv/cli/lib";
 *
 * const err = new CliError("No openenv.yaml in \"/tmp/x\"", { hint: "Run `openenv init` first." });
 * console.log(err.hint);
 * ```
 */
export class CliError extends Error {
  /** A next step for the user, printed after the message. */
  readonly hint?: string;
  /** Exit code. @default {1} */
  readonly exitCode: number;

  /** Creates the error; `hint` says what to do next. */
  constructor(
    message: string,
    options: { hint?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CliError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
  }
}

/**
 * A wrong command line; the CLI prints its message and the command's usage
 * line, and exits 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "@openenv/cli/lib";
 *
 * throw new UsageError("Unknown flag \"--prot\"", { command: "serve" });
 * ```
 */
export class UsageError extends CliError {
  /** The command whose usage to print. */
  readonly command?: string;

  /** Creates the error for `command`. */
  constructor(message: string, options: { command?: string; hint?: string } = {}) {
    super(message, { hint: options.hint, exitCode: ExitCode.Usage });
    this.name = "UsageError";
    this.command = options.command;
  }
}
