/**
 * The echo environment's typed client, {@linkcode EchoEnv}: an
 * `EnvClient` that checks actions and parses observations and state with the
 * echo schemas. Runtime-neutral (only `WebSocket`).
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "@openenv/core/client";
import { EchoAction, EchoObservation, EchoState } from "./models.ts";

/** Options of {@linkcode EchoEnv.fromProcess}. */
export interface EchoFromProcessOptions extends EchoEnvOptions {
  /** Environment variables for the server (for example `MAX_CONCURRENT_ENVS`). */
  env?: Record<string, string>;
  /** How long to wait for `/health`, in milliseconds. */
  healthTimeoutMs?: number;
}

/** Options of {@linkcode EchoEnv.fromDockerImage}. */
export interface EchoFromDockerOptions extends EchoEnvOptions {
  /** Environment variables for the container. */
  env?: Record<string, string>;
  /** How long to wait for `/health`, in milliseconds. */
  healthTimeoutMs?: number;
}

/** An {@linkcode EchoEnv} that owns the environment it talks to: closing it stops the environment. */
export type OwnedEchoEnv = EchoEnv & {
  readonly handle: { readonly baseUrl: string; stop(): Promise<void> };
};

/** Options of {@linkcode EchoEnv}: the client options, without schemas. */
export type EchoEnvOptions = Omit<
  EnvClientOptions<EchoAction, EchoObservation, EchoState>,
  "schemas"
>;

/**
 * A typed client for the echo environment.
 *
 * @example Echo a message
 * ```ts ignore
 * import { EchoEnv } from "@openenv/echo";
 *
 * await using env = await EchoEnv.connect("http://127.0.0.1:8000");
 * await env.reset();
 * const { observation } = await env.step({ message: "hello" });
 * console.log(observation.echoed_message, observation.reward); // "hello" 0.5
 * ```
 */
export class EchoEnv extends EnvClient<EchoAction, EchoObservation, EchoState> {
  /**
   * Creates a client; it connects on the first call.
   *
   * @param baseUrl The echo server, for example `http://127.0.0.1:8000`.
   * @param options Time limits, headers, keepalive, reconnect policy.
   */
  constructor(baseUrl: string, options: EchoEnvOptions = {}) {
    super(baseUrl, {
      ...options,
      schemas: { action: EchoAction, observation: EchoObservation, state: EchoState },
    });
  }

  /**
   * Sends a message (with empty metadata) and returns the result.
   *
   * @param message The message to echo.
   * @returns The step result.
   *
   * @example
   * ```ts ignore
   * const { observation } = await env.echo("hi");
   * ```
   */
  echo(message: string): ReturnType<EchoEnv["step"]> {
    return this.step({ message, metadata: {} });
  }

  /**
   * Starts the echo server in a sandboxed Deno process (network only on its
   * own loopback port) and returns a connected client that stops it when
   * closed. The providers load only when this is called, so the client stays
   * runtime-neutral.
   *
   * @example
   * ```ts ignore
   * await using env = await EchoEnv.fromProcess();
   * await env.reset();
   * ```
   */
  static async fromProcess(options: EchoFromProcessOptions = {}): Promise<OwnedEchoEnv> {
    const { env, healthTimeoutMs, ...clientOptions } = options;
    const { ProcessProvider, ownEnvironment } = await import("@openenv/core/providers");
    const provider = new ProcessProvider();
    return await connectOwned(
      provider,
      () =>
        provider.start({ module: new URL(".", import.meta.url).pathname, env, healthTimeoutMs }),
      clientOptions,
      ownEnvironment,
    );
  }

  /**
   * Runs an echo image (for example one built from `envs/echo/Dockerfile`)
   * in a local Docker container and returns a connected client that stops
   * and removes the container when closed.
   *
   * @example
   * ```ts ignore
   * await using env = await EchoEnv.fromDockerImage("openenv/echo-env");
   * ```
   */
  static async fromDockerImage(
    image: string,
    options: EchoFromDockerOptions = {},
  ): Promise<OwnedEchoEnv> {
    const { env, healthTimeoutMs, ...clientOptions } = options;
    const { DockerProvider } = await import("@openenv/core/providers/docker");
    const { ownEnvironment } = await import("@openenv/core/providers");
    const provider = new DockerProvider();
    return await connectOwned(
      provider,
      () => provider.start({ image, env, healthTimeoutMs }),
      clientOptions,
      ownEnvironment,
    );
  }
}

/** A started environment, as the providers return it. */
interface StartedEnv {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts an environment with `provider`, connects an {@linkcode EchoEnv} to
 * it and makes the client own both; on any failure, stops what was started.
 */
async function connectOwned<H extends StartedEnv>(
  provider: AsyncDisposable,
  start: () => Promise<H>,
  options: EchoEnvOptions,
  own: (client: EchoEnv, handle: H, cleanup: (() => Promise<void>)[]) => OwnedEchoEnv,
): Promise<OwnedEchoEnv> {
  try {
    const handle = await start();
    const client = new EchoEnv(handle.baseUrl, options);
    await client.connect().catch(async (error) => {
      await handle.stop();
      throw error;
    });
    return own(client, handle, [async () => await provider[Symbol.asyncDispose]()]);
  } catch (error) {
    await provider[Symbol.asyncDispose]();
    throw error;
  }
}
