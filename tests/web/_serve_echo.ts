// Runs the echo environment's own app (envs/echo/app.ts) the way a deployment
// does: `deno serve` in a child process, with the environment variables given
// (ENABLE_WEB_INTERFACE=...). Tests never change their own process's
// environment, which parallel test modules share.

/** A `deno serve` child; disposing it stops it. */
export interface ServedEcho extends AsyncDisposable {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
}

const APP = new URL("../../envs/echo/app.ts", import.meta.url).pathname;

/** Starts `deno serve envs/echo/app.ts` on a free port with `env` added. */
export async function serveEcho(env: Record<string, string>): Promise<ServedEcho> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      APP,
    ],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // deno serve announces its address on stderr.
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`deno serve ${APP} exited before listening:\n${seen}${await stdout}`);
    }
    seen += value;
    url = /Listening on (http:\/\/[\d.]+:\d+)/.exec(seen)?.[1];
  }
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return {
    url,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await Promise.allSettled([stdout, drained]);
    },
  };
}
