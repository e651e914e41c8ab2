/**
 * The echo environment's typed client, {@linkcode EchoEnv}: an
 * `EnvClient` that checks actions and parses observations and state with the
 * echo schemas. Runtime-neutral (only `WebSocket`).
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "@openenv/core/client";
import { EchoAction, EchoObservation, EchoState } from "./models.ts";

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
}
