/**
 * `openenv serve [dir]`: run an environment locally, with least privilege.
 *
 * @module
 */
import {
  type CommandSpec,
  keyValueFlag,
  listFlag,
  type ParsedCommand,
  portFlag,
  stringFlag,
} from "../_args.ts";
import { requireDir, resolvePath, statOrNull } from "../_fs.ts";
import { err, step, style, success, warn } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";
import { mergePermissions, permissionFlags } from "@openenv/core/providers";
import { denoSettings, readManifest } from "../manifest.ts";
import { SERVER_ENV_VARS } from "../templates/mod.ts";

/** The `serve` command. */
export const serveSpec: CommandSpec = {
  name: "serve",
  summary: "Run an environment server locally",
  description: `
Runs the app module (openenv.yaml \`deno.app\`) with \`deno serve\` on exactly
the host and port given (or, without an app module, \`deno.entry\` with $HOST
and $PORT) in a Deno subprocess with least privilege: network only on its own
host:port (plus hosts the manifest lists), read access to its folder, the
server's environment variables, and whatever \`deno.permissions\` in
openenv.yaml asks for. Nothing else. Stops cleanly on Ctrl-C.`,
  positionals: [{ name: "dir", description: "Environment folder", optional: true }],
  options: {
    port: {
      type: "string",
      short: "p",
      valueName: "port",
      description: "Port to listen on (0 picks a free one)",
      defaultText: "manifest port, else 8000",
    },
    host: {
      type: "string",
      valueName: "host",
      description: "Interface to bind",
      defaultText: "127.0.0.1",
    },
    web: { type: "boolean", description: "Enable the web interface (ENABLE_WEB_INTERFACE=true)" },
    watch: { type: "boolean", short: "w", description: "Restart when a source file changes" },
    env: {
      type: "string",
      short: "e",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Environment variable for the server (also granted to it)",
    },
    "allow-all": {
      type: "boolean",
      description: "Run without the sandbox (all permissions); for debugging only",
    },
  },
  examples: [
    "openenv serve",
    "openenv serve envs/echo --port 8001 --web",
    "openenv serve --watch",
  ],
};

/** Options of {@linkcode serveCommandArgs}. */
export interface ServeCommandOptions {
  /** Port to bind. */
  port: number;
  /** Host to bind. */
  host: string;
  /** Restart on changes. */
  watch?: boolean;
  /** Extra environment variable names the server may read. */
  envKeys?: string[];
  /** No sandbox. */
  allowAll?: boolean;
}

/**
 * The `deno` arguments that run an environment folder: the entry module with
 * least-privilege flags.
 *
 * @example
 * ```ts ignore
 * import { serveCommandArgs } from "@openenv/cli/lib";
 *
 * const args = await serveCommandArgs("envs/echo", { port: 8000, host: "127.0.0.1" });
 * // ["run", "--no-prompt", "--allow-net=127.0.0.1:8000", ..., "server.ts"]
 * ```
 */
export async function serveCommandArgs(
  dir: string,
  options: ServeCommandOptions,
): Promise<string[]> {
  const manifest = await readManifest(dir);
  if (!manifest.deno && (manifest.runtime === "fastapi" || /:/.test(manifest.app ?? ""))) {
    throw new CliError(
      `"${manifest.name}" is a Python environment (runtime "${manifest.runtime ?? "?"}")`,
      {
        hint:
          "Run it with `uv run --project . server`, or build its image with `openenv build` and run that.",
      },
    );
  }
  const settings = denoSettings(manifest);
  const entryExists = (await statOrNull(`${dir}/${settings.entry}`))?.isFile === true;
  const app = settings.app;
  if (!entryExists && !(app && (await statOrNull(`${dir}/${app}`))?.isFile)) {
    throw new CliError(`No entry module "${settings.entry}" in "${dir}"`, {
      hint: "Set `deno.entry` in openenv.yaml to the module that starts the server.",
    });
  }
  const envKeys = [...new Set([...SERVER_ENV_VARS, ...(options.envKeys ?? [])])];
  // The process provider's rules: its own host:port, its folder, the server's
  // variables, plus what the manifest asks for.
  const permissions = mergePermissions(settings.permissions ?? {}, { read: ["."], env: envKeys });
  const flags = options.allowAll
    ? ["--allow-all"]
    : permissionFlags(permissions, { port: options.port, baseDir: dir, hostname: options.host });
  const config = (await statOrNull(`${dir}/deno.json`)) ? ["--config", `${dir}/deno.json`] : [];
  const watch = options.watch ? ["--watch"] : [];
  const appExists = app !== undefined && (await statOrNull(`${dir}/${app}`))?.isFile === true;
  if (appExists) {
    // `deno serve` binds exactly the host and port asked for, whatever the entry module does.
    return [
      "serve",
      ...watch,
      "--no-prompt",
      ...config,
      ...flags,
      "--host",
      options.host,
      "--port",
      String(options.port),
      app!,
    ];
  }
  return ["run", ...watch, "--no-prompt", ...config, ...flags, settings.entry];
}

function freePort(host: string): number {
  const listener = Deno.listen({ hostname: host, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitHealthy(
  url: string,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  exited.then(() => done = true);
  while (!done && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

/** Runs `openenv serve`. */
export async function runServe(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const dir = resolvePath(parsed.positionals[0] ?? ".");
  await requireDir(dir);
  const manifest = await readManifest(dir);
  const host = stringFlag(values, "host") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:\-\[\]]+$/.test(host)) {
    throw new UsageError(`Flag "--host" must be a host name or IP address, got "${host}"`, {
      command: "serve",
    });
  }
  let port = portFlag(values, "port", "serve") ?? manifest.port ?? 8000;
  if (port === 0) port = freePort(host);
  const extraEnv = keyValueFlag(listFlag(values, "env"), "env", "serve");
  const args = await serveCommandArgs(dir, {
    port,
    host,
    watch: values.watch === true,
    envKeys: Object.keys(extraEnv),
    allowAll: values["allow-all"] === true,
  });
  const env: Record<string, string> = { ...baseEnv(), ...extraEnv, PORT: String(port), HOST: host };
  if (values.web) env.ENABLE_WEB_INTERFACE = "true";

  const shown = host === "0.0.0.0" || host === "::"
    ? "127.0.0.1"
    : host.includes(":")
    ? `[${host}]`
    : host;
  const url = `http://${shown}:${port}`;
  step(`Starting ${style.bold(manifest.name)}: deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  let stopping = false;
  // Deno's file watcher stops on SIGINT (Ctrl-C) but not on SIGTERM; a server
  // that does not stop within 5 s is killed.
  const stopSignal: Deno.Signal = values.watch ? "SIGINT" : "SIGTERM";
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopping = true;
    try {
      child.kill(stopSignal);
    } catch { /* already gone */ }
    killTimer ??= setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, 5_000);
  };
  const handlers: [Deno.Signal, () => void][] = [["SIGINT", stop], ["SIGTERM", stop]];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    const status = child.status;
    if (await waitHealthy(url, status, 60_000)) {
      success(`Serving ${style.bold(manifest.name)} at ${style.cyan(url)}`);
      err(
        `  ${url}/docs  API      ${url.replace("http", "ws")}/ws  sessions` +
          (values.web ? `      ${url}/web  web UI` : ""),
      );
      err(style.dim(values.watch ? "  Watching for changes. Ctrl-C stops." : "  Ctrl-C stops."));
    } else if (!values.watch && !stopping) {
      const exited = await Promise.race([
        status,
        new Promise<null>((r) => setTimeout(() => r(null), 10)),
      ]);
      if (exited) {
        throw new CliError(
          `The server exited with code ${exited.code} before answering GET /health`,
          {
            hint: "Read its output above; `openenv validate` checks the folder.",
          },
        );
      }
      warn(`No answer from ${url}/health yet; still waiting for the server`);
    }
    const { code, signal } = await status;
    return stopping || signal === "SIGTERM" || signal === "SIGINT" ? 0 : code;
  } finally {
    clearTimeout(killTimer);
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1" };
  for (
    const key of [
      "HOME",
      "PATH",
      "DENO_DIR",
      "XDG_CACHE_HOME",
      "NO_COLOR",
      "DENO_CERT",
      "NODE_EXTRA_CA_CERTS",
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "NO_PROXY",
      "https_proxy",
      "http_proxy",
      "no_proxy",
    ]
  ) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return env;
}
