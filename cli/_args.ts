/**
 * Declarative command-line parsing on `node:util` `parseArgs`, with help
 * text generated from the same declaration.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

/** One flag of a command. */
export interface OptionSpec {
  /** `string` takes a value, `boolean` does not. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
  /** Repeatable (`--build-arg A=1 --build-arg B=2`). */
  multiple?: boolean;
  /** What it does, for `--help`. */
  description: string;
  /** Name of the value in help, e.g. `PORT`. */
  valueName?: string;
  /** Default shown in help (not applied by the parser). */
  defaultText?: string;
}

/** A positional argument. */
export interface PositionalSpec {
  /** Name shown in help, e.g. `dir`. */
  name: string;
  /** What it is. */
  description: string;
  /** May be left out. */
  optional?: boolean;
}

/** A command: its flags, arguments and help. */
export interface CommandSpec {
  /** Command name, e.g. `serve`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer description for `--help`. */
  description?: string;
  /** Positional arguments, in order. */
  positionals: PositionalSpec[];
  /** Flags by long name (without `--`). */
  options: Record<string, OptionSpec>;
  /** Example command lines. */
  examples: string[];
}

/** Parsed values: strings, booleans or string lists, keyed by long flag name. */
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** Result of {@linkcode parseCommand}. */
export interface ParsedCommand {
  /** Flag values. */
  values: ParsedValues;
  /** Positional arguments. */
  positionals: string[];
  /** `--help` was given. */
  help: boolean;
}

/** Parses `args` for `spec`; unknown flags and extra arguments are {@linkcode UsageError}s. */
export function parseCommand(spec: CommandSpec, args: string[]): ParsedCommand {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = { help: { type: "boolean", short: "h" } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type };
    if (o.short) options[name].short = o.short;
    if (o.multiple) options[name].multiple = true;
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), { command: spec.name });
  }
  const values = parsed.values as ParsedValues;
  const help = values.help === true;
  if (!help) {
    const max = spec.positionals.length;
    if (parsed.positionals.length > max) {
      throw new UsageError(
        `Unexpected argument "${parsed.positionals[max]}"`,
        { command: spec.name },
      );
    }
    const required = spec.positionals.filter((p) => !p.optional).length;
    if (parsed.positionals.length < required) {
      const missing = spec.positionals[parsed.positionals.length];
      throw new UsageError(`Missing argument <${missing.name}>: ${missing.description}`, {
        command: spec.name,
      });
    }
  }
  return { values, positionals: parsed.positionals, help };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = message.match(/Unknown option '([^']+)'/);
  if (unknown) return `Unknown flag "${unknown[1]}"`;
  const missing = message.match(/Option '([^']+)' argument missing/);
  if (missing) {
    return `Flag "${missing[1].replace(/^-\w, /, "").replace(/ <value>$/, "")}" needs a value`;
  }
  const noValue = message.match(/Option '([^']+)' does not take an argument/);
  if (noValue) return `Flag "${noValue[1].replace(/^-\w, /, "")}" takes no value`;
  return message.replace(/\.$/, "");
}

/** The usage line of a command, e.g. `openenv serve [dir] [options]`. */
export function usageLine(spec: CommandSpec, program = "openenv"): string {
  const args = spec.positionals.map((p) => p.optional ? `[${p.name}]` : `<${p.name}>`);
  return [program, spec.name, ...args, "[options]"].join(" ");
}

/** Full `--help` text of a command. */
export function formatHelp(spec: CommandSpec, program = "openenv"): string {
  const lines = [`Usage: ${usageLine(spec, program)}`, "", spec.summary];
  if (spec.description) lines.push("", spec.description.trim());
  if (spec.positionals.length > 0) {
    lines.push("", "Arguments:");
    for (const p of spec.positionals) {
      lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
    }
  }
  lines.push("", "Options:");
  const entries: [string, string][] = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${
      o.type === "string" ? ` <${o.valueName ?? "value"}>` : ""
    }`;
    const extra = [
      o.multiple ? "repeatable" : "",
      o.defaultText ? `default: ${o.defaultText}` : "",
    ].filter(Boolean).join("; ");
    return [flag, extra ? `${o.description} (${extra})` : o.description];
  });
  entries.push(["-h, --help", "Show this help"]);
  const width = Math.max(...entries.map(([f]) => f.length)) + 2;
  for (const [flag, text] of entries) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (spec.examples.length > 0) {
    lines.push("", "Examples:");
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join("\n") + "\n";
}

/** A string flag's value, or undefined. */
export function stringFlag(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable string flag's values (empty when absent). */
export function listFlag(values: ParsedValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** A port flag, checked to be an integer in 0..65535. */
export function portFlag(
  values: ParsedValues,
  name: string,
  command: string,
): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UsageError(`Flag "--${name}" must be a port number from 0 to 65535, got "${raw}"`, {
      command,
    });
  }
  return port;
}

/**
 * Parses `KEY=VALUE` pairs (split on the first `=`); `secret` hides values in
 * errors.
 */
export function keyValueFlag(
  entries: string[],
  flag: string,
  command: string,
  secret = false,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const key = at < 0 ? "" : entry.slice(0, at).trim();
    if (at < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      const shown = secret ? (at < 0 ? "<hidden>" : `${entry.slice(0, at)}=<hidden>`) : entry;
      throw new UsageError(
        `Flag "--${flag}" expects KEY=VALUE with KEY a letter or "_" followed by letters, digits or "_", got "${shown}"`,
        { command },
      );
    }
    out[key] = entry.slice(at + 1);
  }
  return out;
}
