/**
 * Runs the coding environment server: `deno task start` (port `$PORT`,
 * default 8000). Needs `--allow-run` (to start interpreters), `--allow-read`
 * (the Pyodide package) and `--allow-net`; the interpreters themselves get
 * none of these. Stops gracefully on SIGTERM or Ctrl-C.
 *
 * `server.ts --make-snapshot FILE` writes the interpreter's memory snapshot
 * to FILE and exits (the container image does this at build time and sets
 * `CODING_SNAPSHOT_PATH`, so sessions start in about half a second).
 *
 * @module
 */
import { serve } from "@openenv/core/server";
import { createCodingApp } from "./app.ts";
import { resolveCodingConfig } from "./config.ts";
import { codingConfigFromEnv } from "./config.ts";
import { PythonSandbox } from "./python_sandbox.ts";

if (import.meta.main && Deno.args[0] === "--make-snapshot") {
  // Build step of the container image: make the snapshot file and exit.
  const snapshotPath = Deno.args[1] ?? Deno.env.get("CODING_SNAPSHOT_PATH");
  if (!snapshotPath) throw new Error("Usage: server.ts --make-snapshot <file>");
  await (await PythonSandbox.start({ snapshotPath })).close();
  console.log(`openenv: wrote the Pyodide snapshot to ${snapshotPath}`);
} else if (import.meta.main) {
  const config = resolveCodingConfig(codingConfigFromEnv());
  serve(createCodingApp({ fromEnv: true }), { handleSignals: true });
  // Make the interpreter's memory snapshot now, so the first session starts fast.
  PythonSandbox.start({
    memoryLimitMb: config.memoryLimitMb,
    maxOutputBytes: config.maxOutputBytes,
  })
    .then((sandbox) => sandbox.close())
    .catch((error) =>
      console.error(`openenv: the Python sandbox failed to start: ${error.message}`)
    );
}
