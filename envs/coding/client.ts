/**
 * The coding environment's typed client, {@linkcode CodingEnv}: an
 * `EnvClient` that checks actions and parses observations and state with the
 * coding schemas. Runtime-neutral (only `WebSocket`).
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "@openenv/core/client";
import { CodeAction, CodeObservation, CodeState } from "./models.ts";

/** Options of {@linkcode CodingEnv}: the client options, without schemas. */
export type CodingEnvOptions = Omit<
  EnvClientOptions<CodeAction, CodeObservation, CodeState>,
  "schemas"
>;

/**
 * A typed client for the coding environment.
 *
 * @example Run code remotely
 * ```ts ignore
 * import { CodingEnv } from "@openenv/coding";
 *
 * await using env = await CodingEnv.connect("http://127.0.0.1:8000");
 * await env.reset();
 * await env.execute("x = 40");
 * const { observation } = await env.execute("x + 2");
 * console.log(observation.stdout); // "42\n"
 * ```
 */
export class CodingEnv extends EnvClient<CodeAction, CodeObservation, CodeState> {
  /**
   * Creates a client; it connects on the first call.
   *
   * @param baseUrl The coding server, for example `http://127.0.0.1:8000`.
   * @param options Time limits, headers, keepalive, reconnect policy.
   */
  constructor(baseUrl: string, options: CodingEnvOptions = {}) {
    super(baseUrl, {
      ...options,
      schemas: { action: CodeAction, observation: CodeObservation, state: CodeState },
    });
  }

  /**
   * Runs Python code (with empty metadata) and returns the result.
   *
   * @param code The Python source.
   * @returns The step result.
   *
   * @example
   * ```ts ignore
   * const { observation } = await env.execute("print('hi')");
   * ```
   */
  execute(code: string): ReturnType<CodingEnv["step"]> {
    return this.step({ code, metadata: {} });
  }
}
