/**
 * The provider contract: something that starts an environment server
 * somewhere (a sandboxed Deno process, a Docker container, a Swarm service, a
 * Kubernetes pod, a Daytona sandbox) and hands back a {@linkcode EnvHandle}.
 *
 * @module
 */

/** Options every provider's `start` accepts. */
export interface StartOptions {
  /** Environment variables for the environment server. */
  env?: Record<string, string>;
  /**
   * Wait until `GET /health` answers 200 before `start` resolves; on failure
   * the environment is stopped and the error thrown.
   * @default {true}
   */
  waitUntilHealthy?: boolean;
  /** How long to wait for health, in milliseconds. @default {provider-specific} */
  healthTimeoutMs?: number;
  /** Aborts the start (the half-started environment is stopped). */
  signal?: AbortSignal;
}

/** Options for {@linkcode EnvHandle.waitUntilHealthy}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. @default {30000} */
  timeoutMs?: number;
  /** Aborts the wait. */
  signal?: AbortSignal;
}

/**
 * A running environment. Stop it with {@linkcode EnvHandle.stop} or let
 * `await using` do it.
 *
 * @example
 * ```ts ignore
 * import { ProcessProvider } from "@openenv/core/providers";
 *
 * await using env = await new ProcessProvider().start({ module: "envs/echo" });
 * console.log(env.baseUrl); // http://127.0.0.1:41234
 * ```
 */
export interface EnvHandle extends AsyncDisposable {
  /** Which provider started it, for example `"process"` or `"docker"`. */
  readonly provider: string;
  /** Provider-specific id: a PID, a container id, a service or pod name. */
  readonly id: string;
  /** Base URL of the environment server, for example `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /**
   * Headers every request to `baseUrl` needs (for example a preview token or
   * a bearer token for an API-server proxy); none for local providers.
   */
  readonly headers?: Record<string, string>;
  /** Polls `GET /health` until it answers 200; rejects on timeout or when the environment dies. */
  waitUntilHealthy(options?: WaitOptions): Promise<void>;
  /** Stops the environment and frees what it held. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Something that can start environments. Each provider has its own start
 * options (a module for processes, an image for containers) on top of
 * {@linkcode StartOptions}.
 *
 * @example A provider-agnostic helper
 * ```ts ignore
 * import type { EnvProvider, StartOptions } from "@openenv/core/providers";
 *
 * async function healthUrl<O extends StartOptions>(p: EnvProvider<O>, o: O): Promise<string> {
 *   await using env = await p.start(o);
 *   return `${env.baseUrl}/health`;
 * }
 * ```
 */
export interface EnvProvider<O extends StartOptions = StartOptions> {
  /** Short name, for example `"process"`. */
  readonly name: string;
  /** Starts one environment. */
  start(options: O): Promise<EnvHandle>;
}
