/**
 * Clients that own their environment: start it with a provider, connect, and
 * stop it again when the client is closed or disposed.
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "../client/env_client.ts";
import { ProcessProvider, type ProcessStartOptions } from "./process_provider.ts";
import type { EnvHandle, EnvProvider, StartOptions } from "./provider.ts";

/**
 * An {@linkcode EnvClient} that stops its environment when it closes.
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 * @typeParam S The state type.
 *
 * @example
 * ```ts ignore
 * import { fromProcess } from "@openenv/core/providers";
 *
 * await using env = await fromProcess({ module: "envs/echo" });
 * console.log(env.handle.baseUrl);
 * ```
 */
export class ManagedEnvClient<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
> extends EnvClient<A, O, S> {
  /** The running environment this client owns. */
  readonly handle: EnvHandle;
  readonly #cleanup: (() => Promise<void>)[];
  #closed?: Promise<void>;

  /**
   * Wraps a started environment; prefer {@linkcode fromProvider} and friends.
   *
   * @param handle The environment, stopped on close.
   * @param options Client options.
   * @param cleanup Extra work after the environment stopped (for example disposing the provider).
   */
  constructor(
    handle: EnvHandle,
    options: EnvClientOptions<A, O, S> = {},
    cleanup: (() => Promise<void>)[] = [],
  ) {
    super(handle.baseUrl, {
      ...options,
      headers: handle.headers ? { ...handle.headers, ...options.headers } : options.headers,
    });
    this.handle = handle;
    this.#cleanup = cleanup;
  }

  /** Ends the session, then stops the environment. Idempotent. */
  override close(): Promise<void> {
    return this.#closed ??= (async () => {
      try {
        await super.close();
      } finally {
        try {
          await this.handle.stop();
        } finally {
          for (const fn of this.#cleanup) await fn();
        }
      }
    })();
  }
}

/** Options of {@linkcode fromProvider}: how to start, and how to connect. */
export interface FromProviderOptions<A, O, S> {
  /** Client options (schemas, time limits, ...). */
  client?: EnvClientOptions<A, O, S>;
  /** Run after the environment stopped on close (or after a failed start), for example to dispose the provider. */
  cleanup?: (() => Promise<void>)[];
}

/**
 * Starts an environment with any provider and returns a connected client
 * that stops it on close. If connecting fails, the environment is stopped.
 *
 * @param provider The provider.
 * @param start Its start options.
 * @param options Client options.
 *
 * @example
 * ```ts ignore
 * import { fromProvider, ProcessProvider } from "@openenv/core/providers";
 *
 * await using env = await fromProvider(new ProcessProvider(), { module: "envs/echo" });
 * await env.reset();
 * ```
 */
export async function fromProvider<
  P extends StartOptions,
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
>(
  provider: EnvProvider<P>,
  start: P,
  options: FromProviderOptions<A, O, S> = {},
): Promise<ManagedEnvClient<A, O, S>> {
  let handle: EnvHandle;
  try {
    handle = await provider.start(start);
  } catch (e) {
    for (const fn of options.cleanup ?? []) await fn();
    throw e;
  }
  const client = new ManagedEnvClient<A, O, S>(handle, options.client, options.cleanup);
  try {
    await client.connect({ signal: start.signal });
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}

/** Options of {@linkcode fromProcess}. */
export interface FromProcessOptions<A, O, S> extends ProcessStartOptions {
  /** Client options (schemas, time limits, ...). */
  client?: EnvClientOptions<A, O, S>;
  /** A provider to reuse (its bundles are shared); by default a new one, disposed with the client. */
  provider?: ProcessProvider;
}

/**
 * Runs an environment in a sandboxed Deno process (see
 * {@linkcode ProcessProvider}) and returns a connected client that stops it
 * on close.
 *
 * @example Typed echo client over a sandboxed process
 * ```ts ignore
 * import { fromProcess } from "@openenv/core/providers";
 * import { EchoAction, EchoObservation, EchoState } from "@openenv/echo";
 *
 * await using env = await fromProcess({
 *   module: "envs/echo",
 *   client: { schemas: { action: EchoAction, observation: EchoObservation, state: EchoState } },
 * });
 * await env.reset();
 * const { reward } = await env.step({ message: "hi", metadata: {} });
 * ```
 */
export function fromProcess<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
>(options: FromProcessOptions<A, O, S>): Promise<ManagedEnvClient<A, O, S>> {
  const { client, provider, ...start } = options;
  const owned = provider ? undefined : new ProcessProvider();
  return fromProvider<ProcessStartOptions, A, O, S>(provider ?? owned!, start, {
    client,
    cleanup: owned ? [() => owned[Symbol.asyncDispose]()] : [],
  });
}

/**
 * Makes an existing client own a started environment: closing or disposing
 * the client then also stops the environment. For typed client classes
 * (such as an environment's own `EnvClient` subclass) that
 * {@linkcode fromProvider} cannot construct.
 *
 * @param client A client of `handle.baseUrl` (built with `handle.headers` when there are any).
 * @param handle The environment it talks to.
 * @param cleanup Extra work after the environment stopped.
 * @returns The same client, with `handle` set.
 *
 * @example A typed echo client on a sandboxed process
 * ```ts ignore
 * import { ownEnvironment, ProcessProvider } from "@openenv/core/providers";
 * import { EchoEnv } from "@openenv/echo";
 *
 * const handle = await new ProcessProvider().start({ module: "envs/echo" });
 * await using env = ownEnvironment(new EchoEnv(handle.baseUrl), handle);
 * await env.echo("hi");
 * ```
 */
export function ownEnvironment<C extends { close(): Promise<void> }>(
  client: C,
  handle: EnvHandle,
  cleanup: (() => Promise<void>)[] = [],
): C & { readonly handle: EnvHandle } {
  const close = client.close.bind(client);
  let closed: Promise<void> | undefined;
  return Object.assign(client, {
    handle,
    close: (): Promise<void> =>
      closed ??= (async () => {
        try {
          await close();
        } finally {
          try {
            await handle.stop();
          } finally {
            for (const fn of cleanup) await fn();
          }
        }
      })(),
  });
}
