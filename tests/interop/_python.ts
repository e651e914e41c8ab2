/**
 * Internal helpers of the interop suite: the official Python OpenEnv venvs
 * (made by `setup.sh`) and running scripts in them.
 *
 * @module
 */

/** A venv holding one official OpenEnv release from PyPI. */
export interface PythonVenv {
  /** Name used in test names, e.g. `openenv-core 0.3.0`. */
  readonly label: string;
  /** Absolute path of the venv. */
  readonly dir: string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const HERE = new URL("./", import.meta.url).pathname;

/** The releases the suite runs against, one venv each. */
export const VENVS: readonly PythonVenv[] = [
  { label: "openenv-core 0.3.0", dir: `${ROOT}.cache/interop/openenv-core-0.3.0` },
  { label: "openenv 0.3.1", dir: `${ROOT}.cache/interop/openenv-0.3.1` },
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

let ready: Promise<void> | undefined;

/**
 * Makes sure every venv exists, running `tests/interop/setup.sh` (which
 * installs from PyPI and takes a lock) when one is missing.
 */
export function ensureVenvs(): Promise<void> {
  return ready ??= (async () => {
    const missing = [];
    for (const venv of VENVS) {
      if (!await exists(`${venv.dir}/bin/openenv`)) missing.push(venv.label);
    }
    if (missing.length === 0) return;
    const out = await new Deno.Command("bash", {
      args: [`${HERE}setup.sh`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const text = new TextDecoder();
      throw new Error(
        `Cannot install the official Python OpenEnv (${missing.join(", ")}): ` +
          `"bash tests/interop/setup.sh" failed with code ${out.code}. It needs python3 with venv ` +
          `and pip, and network access to PyPI.\n${text.decode(out.stdout)}${
            text.decode(out.stderr)
          }`,
      );
    }
  })();
}

/** What a finished process printed. */
export interface ProcessResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** Options for {@linkcode runInVenv}. */
export interface RunOptions {
  /** Kill the process after this many milliseconds. @default {120000} */
  timeoutMs?: number;
}

/**
 * Runs a program of the venv (`python`, `openenv`, ...) with the given
 * arguments, from `tests/interop/py/` so scripts import their siblings.
 */
export async function runInVenv(
  venv: PythonVenv,
  program: string,
  args: string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  await ensureVenvs();
  const out = await new Deno.Command(`${venv.dir}/bin/${program}`, {
    args,
    cwd: `${HERE}py`,
    stdout: "piped",
    stderr: "piped",
    env: {
      // Loopback traffic must never go through a proxy.
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONUNBUFFERED: "1",
    },
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/**
 * Runs `py/<script>` with the venv's Python and returns the JSON document it
 * printed. Throws with the script's stderr when it fails or prints no JSON.
 */
export async function runScript(
  venv: PythonVenv,
  script: string,
  args: string[],
  options: RunOptions = {},
): Promise<Record<string, unknown>> {
  const result = await runInVenv(venv, "python", [script, ...args], options);
  const where = `"${script}" under ${venv.label}`;
  if (result.code !== 0) {
    throw new Error(
      `Python script ${where} failed with exit code ${result.code}.\n--- stderr ---\n` +
        `${result.stderr}--- stdout ---\n${result.stdout}`,
    );
  }
  const lastLine = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(lastLine);
  } catch {
    throw new Error(
      `Python script ${where} printed no JSON result.\n--- stdout ---\n${result.stdout}` +
        `--- stderr ---\n${result.stderr}`,
    );
  }
}
