/**
 * `@openenv/cli`: the `openenv` command for Deno. Create, run, check and
 * ship OpenEnv environments: `init`, `serve`, `build`, `validate`, `push`,
 * `fork`.
 *
 * Exit codes: 0 success, 1 the command failed, 2 wrong command line, 130
 * interrupted.
 *
 * @example Run it
 * ```sh
 * deno run -A jsr:@openenv/cli init my_game
 * deno install -g -A -n openenv jsr:@openenv/cli   # then: openenv --help
 * ```
 *
 * @example Call it from code
 * ```ts ignore
 * import { main } from "@openenv/cli";
 *
 * const code = await main(["validate", "--url", "http://127.0.0.1:8000", "--json"]);
 * ```
 *
 * @module
 */
import { formatHelp, parseCommand, usageLine } from "./_args.ts";
import { err, out, style } from "./_ui.ts";
import { CliError, ExitCode, UsageError } from "./errors.ts";
import { COMMANDS } from "./commands/mod.ts";

/** Version of this CLI. */
export const VERSION = "0.1.0";

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    `openenv ${VERSION}: create, run, check and ship OpenEnv environments (Deno)`,
    "",
    "Usage: openenv <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Options:",
    "  -h, --help     Show help (also after any command)",
    "  -V, --version  Show the version",
    "",
    "Run `openenv <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * code; it never calls `Deno.exit`.
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    if (name === "help" && rest[0]) return await main([rest[0], "--help"]);
    Deno.stdout.writeSync(new TextEncoder().encode(globalHelp()));
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === "-V" || name === "--version") {
    out(`openenv ${VERSION} (deno ${Deno.version.deno})`);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  try {
    if (!command) {
      const close = COMMANDS.find((c) => editDistance(c.spec.name, name) <= 2);
      throw new UsageError(`Unknown command "${name}"`, {
        hint: close ? `Did you mean \`openenv ${close.spec.name}\`?` : "Run `openenv --help`.",
      });
    }
    const parsed = parseCommand(command.spec, rest);
    if (parsed.help) {
      Deno.stdout.writeSync(new TextEncoder().encode(formatHelp(command.spec)));
      return ExitCode.Ok;
    }
    return await command.run(parsed);
  } catch (error) {
    return report(error);
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function report(error: unknown): number {
  if (error instanceof CliError) {
    err(`${style.red("error:")} ${error.message}`);
    if (error.hint) err(`${style.dim("hint:")} ${error.hint}`);
    if (error instanceof UsageError && error.command) {
      const spec = COMMANDS.find((c) => c.spec.name === error.command)?.spec;
      if (spec) {
        err(`usage: ${usageLine(spec)}`);
        err(`Run \`openenv ${spec.name} --help\` for more.`);
      }
    }
    return error.exitCode;
  }
  err(`${style.red("error:")} ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack) {
    err(style.dim(error.stack.split("\n").slice(1, 4).join("\n")));
  }
  return ExitCode.Failure;
}

if (import.meta.main) {
  // `serve` forwards Ctrl-C to its server and exits with the server's code.
  if (Deno.args[0] !== "serve") {
    Deno.addSignalListener("SIGINT", () => {
      err("\nOperation cancelled.");
      Deno.exit(ExitCode.Interrupted);
    });
  }
  Deno.exit(await main(Deno.args));
}
