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
  /** `--sizes 256,1024`: session counts (concurrency benchmark). */
  sizes: number[] | undefined;
  /** `--targets ours,reference`: which servers to measure (concurrency benchmark). */
  targets: string[] | undefined;
  /** `--nice N`: scheduling priority of servers and load client (concurrency benchmark). */
  nice: number | undefined;
}

/** Parses `--smoke`, `--out DIR` and `--rounds N`. */
export function parseBenchArgs(args: string[] = Deno.args): BenchArgs {
  const { values } = parseArgs({
    args,
    options: {
      smoke: { type: "boolean", default: false },
      out: { type: "string", default: new URL("./results/", import.meta.url).pathname },
      rounds: { type: "string" },
      sizes: { type: "string" },
      targets: { type: "string" },
      nice: { type: "string" },
    },
  });
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0)) {
    throw new Error(`--rounds must be a positive integer, got "${values.rounds}"`);
  }
  const sizes = values.sizes?.split(",").map(Number);
  if (sizes?.some((n) => !(Number.isInteger(n) && n > 0))) {
    throw new Error(`--sizes must be positive integers separated by commas, got "${values.sizes}"`);
  }
  const targets = values.targets?.split(",").map((t) => t.trim());
  const nice = values.nice === undefined ? undefined : Number(values.nice);
  if (nice !== undefined && !(Number.isInteger(nice) && nice >= -20 && nice <= 19)) {
    throw new Error(`--nice must be an integer from -20 to 19, got "${values.nice}"`);
  }
  return { smoke: values.smoke, out: values.out, rounds, sizes, targets, nice };
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

// Described when the benchmark starts, so the load average is the one it ran under.
const machineAtStart: MachineInfo = machineInfo();

/** Writes `<out>/<name>.json` and returns its path. */
export async function writeResult<T>(args: BenchArgs, name: string, data: T): Promise<string> {
  const file: ResultFile<T> = { benchmark: name, machine: machineAtStart, smoke: args.smoke, data };
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
