// Test helper: the Python interpreter with ale-py, installed by setup.sh when missing.
let cached: Promise<string> | undefined;

/** Runs setup.sh once and returns the interpreter path. */
export function atariPython(): Promise<string> {
  cached ??= (async () => {
    const out = await new Deno.Command("bash", {
      args: [new URL("./setup.sh", import.meta.url).pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `envs/atari/setup.sh failed (ale-py is needed from PyPI):\n${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
    return new TextDecoder().decode(out.stdout).trim();
  })();
  return cached;
}
