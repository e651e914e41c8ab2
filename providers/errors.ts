/**
 * Errors raised by providers.
 *
 * @module
 */
import { OpenEnvError, type OpenEnvErrorOptions } from "../core/errors.ts";

export { OpenEnvError, type OpenEnvErrorOptions };

/** The codes a {@linkcode ProviderError} carries. */
export type ProviderErrorCode =
  /** The backend (Docker daemon, cluster, API) cannot be reached or refused the request. */
  | "PROVIDER_UNAVAILABLE"
  /** The environment could not be started, or died while starting. */
  | "PROVIDER_START_FAILED"
  /** The environment did not answer `GET /health` in time. */
  | "PROVIDER_HEALTH_TIMEOUT"
  /** The options given to the provider are invalid. */
  | "PROVIDER_INVALID_OPTIONS";

/**
 * A provider failure. `details` holds what helps to debug it, for example the
 * child's last stderr lines (`details.output`) or the exit code.
 *
 * @example
 * ```ts ignore
 * import { ProcessProvider, ProviderError } from "@openenv/core/providers";
 *
 * try {
 *   await new ProcessProvider().start({ module: "./broken_env.ts" });
 * } catch (e) {
 *   if (e instanceof ProviderError) console.error(e.code, e.details.output);
 * }
 * ```
 */
export class ProviderError extends OpenEnvError {
  /** The failure kind. */
  declare readonly code: ProviderErrorCode;

  /**
   * Creates a provider error.
   *
   * @param code The failure kind.
   * @param message What went wrong and what to do about it.
   * @param options Cause and details.
   */
  constructor(code: ProviderErrorCode, message: string, options: OpenEnvErrorOptions = {}) {
    super(code, message, options);
    this.name = "ProviderError";
  }
}
