/**
 * Terminal output of the CLI: results on stdout, progress and messages on
 * stderr, colours only on a terminal (and never with `NO_COLOR`), dax
 * spinners for long steps.
 *
 * @module
 */
import $ from "dax";

const encoder = new TextEncoder();

function colorEnabled(): boolean {
  try {
    if (Deno.env.get("NO_COLOR")) return false;
  } catch {
    // no env permission: decide on the terminal alone
  }
  return Deno.stderr.isTerminal();
}

const useColor = colorEnabled();
const paint = (code: number, reset: number) => (s: string): string =>
  useColor ? `\x1b[${code}m${s}\x1b[${reset}m` : s;

/** ANSI styles that turn into no-ops without a terminal. */
export const style: {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
} = {
  bold: paint(1, 22),
  dim: paint(2, 22),
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  cyan: paint(36, 39),
};

/** A running progress display. */
export interface Progress {
  /** Replaces the text after the spinner, e.g. the current build step. */
  message(text: string): void;
}

/** Writes a line to stdout (command results). */
export function out(text = ""): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

/** Writes a line to stderr (progress, messages). */
export function err(text = ""): void {
  Deno.stderr.writeSync(encoder.encode(text + "\n"));
}

/** A step that starts, e.g. `Building openenv-echo`. */
export function step(text: string): void {
  err(`${style.cyan("›")} ${text}`);
}

/** A step that succeeded. */
export function success(text: string): void {
  err(`${style.green("✔")} ${text}`);
}

/** A warning: something the user may want to fix, the command goes on. */
export function warn(text: string): void {
  err(`${style.yellow("warning:")} ${text}`);
}

/**
 * Runs `task` behind a dax spinner whose message the task may update. Without
 * a terminal the spinner is hidden and the start and end are printed instead.
 */
export async function withProgress<T>(
  message: string,
  task: (progress: Progress) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const done = () => success(`${message} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
  const failed = () => err(`${style.red("✖")} ${message} failed`);
  if (!Deno.stderr.isTerminal()) {
    // No terminal (CI, pipes): no spinner and no control codes, just the start and the end.
    step(`${message}...`);
    try {
      const result = await task({ message: () => {} });
      done();
      return result;
    } catch (error) {
      failed();
      throw error;
    }
  }
  const bar = $.progress(message);
  try {
    const result = await bar.with(() =>
      task({
        message: (text) => {
          bar.message(truncate(text.replace(/\s+/g, " ").trim(), 70));
        },
      })
    );
    done();
    return result;
  } catch (error) {
    failed();
    throw error;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
