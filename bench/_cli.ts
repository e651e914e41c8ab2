/**
 * Internal: command-line options and result files shared by the benchmarks.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type MachineInfo, machineInfo } from "./_machine.ts";

/** Options every benchmark accepts. */
export interface BenchArgs {
  /** `--smoke`: a very short run that only proves the script works. */
  smoke: boolean;
  /** `--out DIR`: where the JSON result goes. @default {bench/results} */
  out: string;
  /** `--rounds N`: repetitions, interleaving the targets. */
  rounds: number | undefined;
}

/** Parses `--smoke`, `--out DIR` and `--rounds N`. */
export function parseBenchArgs(args: string[] = Deno.args): BenchArgs {
  const { values } = parseArgs({
    args,
    options: {
      smoke: { type: "boolean", default: false },
      out: { type: "string", default: new URL("./results/", import.meta.url).pathname },
      rounds: { type: "string" },
    },
  });
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0)) {
    throw new Error(`--rounds must be a positive integer, got "${values.rounds}"`);
  }
  return { smoke: values.smoke, out: values.out, rounds };
}

/** Envelope of every result file. */
export interface ResultFile<T> {
  /** Benchmark name, also the file name. */
  benchmark: string;
  /** The machine it ran on. */
  machine: MachineInfo;
  /** True for a `--smoke` run (numbers meaningless). */
  smoke: boolean;
  /** The benchmark's own data. */
  data: T;
}

/** Writes `<out>/<name>.json` and returns its path. */
export async function writeResult<T>(args: BenchArgs, name: string, data: T): Promise<string> {
  const file: ResultFile<T> = { benchmark: name, machine: machineInfo(), smoke: args.smoke, data };
  await Deno.mkdir(args.out, { recursive: true });
  const path = `${args.out.replace(/\/$/, "")}/${name}.json`;
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2) + "\n");
  return path;
}

/** Formats a number for the console tables. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(digits);
}
