/**
 * Polling `GET /health` until an environment server answers.
 *
 * @module
 */
import { ProviderError } from "./errors.ts";

/** Options for {@linkcode waitUntilHealthy}. */
export interface WaitUntilHealthyOptions {
  /** Give up after this many milliseconds. @default {30000} */
  timeoutMs?: number;
  /** Aborts the wait. */
  signal?: AbortSignal;
  /** Timeout of each probe request, in milliseconds. @default {2000} */
  requestTimeoutMs?: number;
  /**
   * Longest pause between probes, in milliseconds. Probes start 5 ms apart
   * and back off to this.
   * @default {250}
   */
  maxIntervalMs?: number;
  /**
   * A promise that rejects when the environment is known to be dead (a child
   * that exited, a container that stopped): the wait fails at once with that
   * error instead of running into the timeout.
   */
  failFast?: Promise<never>;
  /** Extra headers for the probe (for example a preview token). */
  headers?: HeadersInit;
}

/**
 * Polls `GET <baseUrl>/health` until it answers 200.
 *
 * @param baseUrl The environment's base URL.
 * @param options Timeout, abort signal and an early-failure promise.
 * @throws {ProviderError} `PROVIDER_HEALTH_TIMEOUT` after the timeout, with the
 * last probe failure in `details.lastError`.
 *
 * @example
 * ```ts ignore
 * import { waitUntilHealthy } from "@openenv/core/providers";
 *
 * await waitUntilHealthy("http://127.0.0.1:8000", { timeoutMs: 5_000 });
 * ```
 */
export async function waitUntilHealthy(
  baseUrl: string,
  options: WaitUntilHealthyOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;
  const maxInterval = options.maxIntervalMs ?? 250;
  const url = `${baseUrl.replace(/\/+$/, "")}/health`;
  const deadline = Date.now() + timeoutMs;
  let lastError = "no probe finished";
  let interval = 5;
  let failed: unknown;
  let hasFailed = false;
  options.failFast?.catch((e) => {
    failed = e;
    hasFailed = true;
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      options.signal?.throwIfAborted();
      if (hasFailed) throw failed;
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const response = await fetch(url, {
          headers: options.headers,
          signal: AbortSignal.any([
            stop.signal,
            AbortSignal.timeout(Math.min(requestTimeoutMs, Math.max(left, 1))),
          ]),
        });
        await response.body?.cancel();
        if (response.status === 200) return;
        lastError = `HTTP ${response.status}`;
      } catch (e) {
        options.signal?.throwIfAborted();
        lastError = e instanceof Error ? e.message : String(e);
      }
      if (hasFailed) throw failed;
      await sleep(
        Math.min(interval, Math.max(deadline - Date.now(), 0)),
        stop.signal,
        options.failFast,
      );
      interval = Math.min(interval * 2, maxInterval);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (hasFailed) throw failed;
  throw new ProviderError(
    "PROVIDER_HEALTH_TIMEOUT",
    `The environment at "${baseUrl}" did not answer GET /health with 200 within ${timeoutMs} ms (last probe: ${lastError}).`,
    { details: { baseUrl, timeoutMs, lastError } },
  );
}

function sleep(ms: number, signal: AbortSignal, failFast?: Promise<never>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    failFast?.catch(done);
  });
}
