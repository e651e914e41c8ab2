/**
 * Limits and rewards of the coding environment, with their defaults and the
 * environment variables that override them.
 *
 * | Setting | Default | Variable | Reference (Python `coding_env`) |
 * | --- | --- | --- | --- |
 * | `timeoutS` | 30 | `CODING_TIMEOUT_S` | 30 s wall clock with smolagents ≥ 1.24, thread not killed |
 * | `memoryLimitMb` | 512 | `CODING_MEMORY_MB` | none (runs in the server process) |
 * | `maxOutputBytes` | 50000 | `CODING_MAX_OUTPUT_BYTES` | 50,000 characters of print output |
 * | `maxSteps` | null (no limit) | `CODING_MAX_STEPS` | none (`done` is never set) |
 * | `prewarmSpares` | 1 | `CODING_PREWARM` | none |
 * | `snapshotPath` | none (in memory) | `CODING_SNAPSHOT_PATH` | none |
 * | `bubblewrap` | `"auto"` | `CODING_BUBBLEWRAP` (`auto`, `1`, `0`) | none |
 * | `rewards.safetyPenalty` | -1.0 | | -1.0 when a dangerous pattern matches |
 * | `rewards.shortCodeBonus` | 0.1 | | +0.1 when the stripped code has ≤ 100 characters |
 * | `rewards.syntaxErrorPenalty` | -0.2 | | -0.2 when the code does not parse |
 * | `rewards.errorPenalty` | 0 | | 0 (runtime errors are not penalised) |
 * | `rewards.timeoutPenalty` | 0 | | n/a |
 *
 * @module
 */

/** Reward shaping of the coding environment (the reference's transforms, made configurable). */
export interface CodingRewards {
  /** Reward that replaces everything when the code matches a dangerous pattern. @default {-1} */
  safetyPenalty: number;
  /** Regular expressions (source text) counted as dangerous. @default {the reference's six} */
  dangerousPatterns: string[];
  /** Added when the stripped code is at most `shortCodeMaxChars` long. @default {0.1} */
  shortCodeBonus: number;
  /** Length limit for the short-code bonus. @default {100} */
  shortCodeMaxChars: number;
  /** Added when the code does not parse. @default {-0.2} */
  syntaxErrorPenalty: number;
  /** Added when the code raises (exit code not 0) after parsing. @default {0} */
  errorPenalty: number;
  /** Added when the code hits the time limit. @default {0} */
  timeoutPenalty: number;
}

/** Configuration of a {@linkcode CodingEnvironment}. */
export interface CodingConfig {
  /** Wall-clock limit per step, in seconds. @default {30} */
  timeoutS: number;
  /** Memory for the interpreter's heap, in MiB. @default {512} */
  memoryLimitMb: number;
  /** Output kept per step, in bytes. @default {50000} */
  maxOutputBytes: number;
  /** End the episode (`done`) after this many steps; `null` never ends it. @default {null} */
  maxSteps: number | null;
  /** Interpreters started ahead of time (shared by the sessions of a process). @default {1} */
  prewarmSpares: number;
  /** File keeping the interpreter's memory snapshot across processes. @default {null} */
  snapshotPath: string | null;
  /** Also wall interpreters in with bubblewrap: `"auto"` when available, or required. @default {"auto"} */
  bubblewrap: boolean | "auto";
  /** Reward shaping. */
  rewards: CodingRewards;
}

/** The reference's dangerous-code patterns (`CodeSafetyTransform`). */
export const DEFAULT_DANGEROUS_PATTERNS: readonly string[] = [
  String.raw`import\s+os`,
  String.raw`import\s+subprocess`,
  String.raw`eval\(`,
  String.raw`exec\(`,
  String.raw`__import__`,
  String.raw`open\(`,
];

/** Default rewards: the reference's values. */
export const DEFAULT_CODING_REWARDS: Readonly<CodingRewards> = Object.freeze({
  safetyPenalty: -1,
  dangerousPatterns: [...DEFAULT_DANGEROUS_PATTERNS],
  shortCodeBonus: 0.1,
  shortCodeMaxChars: 100,
  syntaxErrorPenalty: -0.2,
  errorPenalty: 0,
  timeoutPenalty: 0,
});

/** Default configuration. */
export const DEFAULT_CODING_CONFIG: Readonly<CodingConfig> = Object.freeze({
  timeoutS: 30,
  memoryLimitMb: 512,
  maxOutputBytes: 50_000,
  maxSteps: null,
  prewarmSpares: 1,
  snapshotPath: null,
  bubblewrap: "auto",
  rewards: DEFAULT_CODING_REWARDS,
});

/** Partial configuration: any field may be left out, rewards field by field. */
export type CodingConfigInput = Partial<Omit<CodingConfig, "rewards">> & {
  /** Reward overrides. */
  rewards?: Partial<CodingRewards>;
};

/**
 * Fills a partial configuration with the defaults and checks it.
 *
 * @throws {RangeError} When a limit is not a positive number.
 * @example
 * ```ts
 * import { resolveCodingConfig } from "@openenv/coding";
 *
 * resolveCodingConfig({ timeoutS: 5 }).memoryLimitMb; // 512
 * ```
 */
export function resolveCodingConfig(input: CodingConfigInput = {}): CodingConfig {
  const config: CodingConfig = {
    ...DEFAULT_CODING_CONFIG,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    rewards: { ...DEFAULT_CODING_REWARDS, ...input.rewards },
  };
  const positive = (name: string, value: number) => {
    if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`${name} must be a positive number, got '${value}'`);
    }
  };
  positive("timeoutS", config.timeoutS);
  positive("memoryLimitMb", config.memoryLimitMb);
  positive("maxOutputBytes", config.maxOutputBytes);
  if (config.maxSteps !== null) positive("maxSteps", config.maxSteps);
  if (!Number.isInteger(config.prewarmSpares) || config.prewarmSpares < 0) {
    throw new RangeError(
      `prewarmSpares must be a non-negative integer, got '${config.prewarmSpares}'`,
    );
  }
  for (const pattern of config.rewards.dangerousPatterns) new RegExp(pattern);
  return config;
}

/**
 * Reads overrides from `CODING_TIMEOUT_S`, `CODING_MEMORY_MB`,
 * `CODING_MAX_OUTPUT_BYTES`, `CODING_MAX_STEPS`, `CODING_PREWARM`,
 * `CODING_SNAPSHOT_PATH` and `CODING_BUBBLEWRAP` (`auto`, `1`/`true`, `0`/`false`).
 * Unset variables are left out; without `--allow-env` nothing is read.
 *
 * @throws {RangeError} When a variable is set to something other than a number.
 * @example
 * ```ts ignore
 * import { codingConfigFromEnv, resolveCodingConfig } from "@openenv/coding";
 *
 * const config = resolveCodingConfig(codingConfigFromEnv());
 * ```
 */
export function codingConfigFromEnv(): CodingConfigInput {
  const read = (name: string): number | undefined => {
    let raw: string | undefined;
    try {
      raw = Deno.env.get(name);
    } catch {
      return undefined;
    }
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      throw new RangeError(`${name} must be a number, got '${raw}'`);
    }
    return value;
  };
  const maxSteps = read("CODING_MAX_STEPS");
  let snapshotPath: string | undefined;
  try {
    snapshotPath = Deno.env.get("CODING_SNAPSHOT_PATH") || undefined;
  } catch {
    snapshotPath = undefined;
  }
  let bubblewrap: boolean | "auto" | undefined;
  try {
    const raw = Deno.env.get("CODING_BUBBLEWRAP")?.trim().toLowerCase();
    if (raw === "auto") bubblewrap = "auto";
    else if (raw === "1" || raw === "true" || raw === "yes") bubblewrap = true;
    else if (raw === "0" || raw === "false" || raw === "no") bubblewrap = false;
    else if (raw) {
      throw new RangeError(`CODING_BUBBLEWRAP must be auto, 1 or 0, got '${raw}'`);
    }
  } catch (error) {
    if (error instanceof RangeError) throw error;
    bubblewrap = undefined;
  }
  return {
    bubblewrap,
    timeoutS: read("CODING_TIMEOUT_S"),
    memoryLimitMb: read("CODING_MEMORY_MB"),
    maxOutputBytes: read("CODING_MAX_OUTPUT_BYTES"),
    maxSteps: maxSteps === undefined ? undefined : maxSteps === 0 ? null : maxSteps,
    prewarmSpares: read("CODING_PREWARM"),
    snapshotPath,
  };
}
