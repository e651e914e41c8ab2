/**
 * `serve`: run an environment app on `Deno.serve`, with graceful shutdown.
 *
 * @module
 */
import { readEnvVar } from "./_env.ts";
import type { EnvServerApp } from "./create_app.ts";

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. @default {`$PORT` (0 allowed), else 8000} */
  port?: number;
  /** Interface to bind. @default {"0.0.0.0"} */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Shut down gracefully on SIGTERM and SIGINT. @default {false} */
  handleSignals?: boolean;
  /**
   * Keep serving when code runs into an error outside any request (an
   * environment's timer callback or abort listener that throws, a promise
   * nobody awaits): the error is logged instead of ending the process and
   * with it every session. Meant for a process that serve() owns, so it
   * follows `handleSignals`. @default {the value of `handleSignals`}
   */
  survivesUncaughtErrors?: boolean;
  /** Called once the server listens. @default {prints the address} */
  onListen?: (address: { hostname: string; port: number; url: string }) => void;
}

/** A listening environment server. */
export interface EnvServer {
  /** Base URL, for example `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
  /** Closes every session (clients get a SESSION_ERROR frame and close code 1000), then stops listening. */
  shutdown(): Promise<void>;
  /** Same as {@linkcode EnvServer.shutdown}. */
  [Symbol.asyncDispose](): Promise<void>;
}

function defaultPort(): number {
  const text = readEnvVar("PORT");
  const port = Number(text);
  // PORT=0 asks for a free port, as with `port: 0`.
  return text !== undefined && text.trim() !== "" && Number.isInteger(port) && port >= 0
    ? port
    : 8000;
}

/**
 * Serves an app built by `createApp` with `Deno.serve`.
 *
 * @param app The environment app.
 * @param options Port, host and shutdown handling.
 * @returns A handle to stop the server.
 *
 * @example Serve on a free port and stop
 * ```ts ignore
 * import { createApp, serve } from "@openenv/core/server";
 *
 * await using server = serve(createApp(() => new MyEnv(), { action: MyAction }), { port: 0 });
 * console.log(server.url);
 * ```
 */
export function serve(app: EnvServerApp, options: ServeOptions = {}): EnvServer {
  const hostname = options.hostname ?? "0.0.0.0";
  let resolveReady!: () => void;
  const server = Deno.serve({
    port: options.port ?? defaultPort(),
    hostname,
    onListen: () => resolveReady?.(),
  }, (request) => app.fetch(request));
  const addr = server.addr as Deno.NetAddr;
  const shownHost = hostname === "0.0.0.0"
    ? "127.0.0.1"
    : hostname.includes(":")
    ? `[${hostname}]`
    : hostname;
  const url = `http://${shownHost}:${addr.port}`;
  (options.onListen ?? ((a) => console.log(`openenv: listening on ${a.url}`)))({
    hostname,
    port: addr.port,
    url,
  });

  let stopping: Promise<void> | undefined;
  const signals: Deno.Signal[] = options.handleSignals ? ["SIGTERM", "SIGINT"] : [];
  const onSignal = () => void shutdown();
  const guard = options.survivesUncaughtErrors ?? options.handleSignals ?? false;
  const onUncaught = (event: ErrorEvent) => {
    event.preventDefault();
    console.error("openenv: uncaught error; the server keeps running:", event.error);
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    console.error("openenv: unhandled promise rejection; the server keeps running:", event.reason);
  };
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
      await app.close();
      await server.shutdown();
      if (guard) {
        globalThis.removeEventListener("error", onUncaught);
        globalThis.removeEventListener("unhandledrejection", onRejection);
      }
    })();
    return stopping;
  };
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  if (guard) {
    globalThis.addEventListener("error", onUncaught);
    globalThis.addEventListener("unhandledrejection", onRejection);
  }
  options.signal?.addEventListener("abort", onSignal, { once: true });

  return {
    url,
    port: addr.port,
    finished: server.finished,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
