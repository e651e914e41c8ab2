// Internal: turning replies into results and options into wire bodies,
// shared by the WebSocket and HTTP clients.
import { ProtocolError } from "./errors.ts";
import type { ResetOptions, Reward, Schema, StepResult } from "./types.ts";

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describeIssues(error: unknown): string {
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] })?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return String(error);
  return issues
    .map((i) => `${i.path?.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** The wire body of a reset: `episodeId` becomes `episode_id`, other keys pass. */
export function resetBody(options: ResetOptions = {}): Record<string, unknown> {
  if (!isObject(options)) {
    throw new TypeError(`Reset options must be an object, got ${JSON.stringify(options)}`);
  }
  const { episodeId, ...rest } = options;
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) body[k] = v;
  if (episodeId !== undefined) body.episode_id = episodeId;
  return body;
}

/** Checks an action against its schema; throws a TypeError naming each problem. */
export function checkAction<A>(schema: Schema<A> | undefined, action: A): void {
  if (!isObject(action)) {
    throw new TypeError(`Invalid action: expected an object, got ${JSON.stringify(action)}`);
  }
  if (!schema) return;
  const result = schema.safeParse(action);
  if (!result.success) {
    throw new TypeError(`Invalid action: ${describeIssues(result.error)}`, {
      cause: result.error,
    });
  }
}

/** Builds a step result from `{observation, reward, done}`. */
export function toStepResult<O>(
  payload: unknown,
  schema: Schema<O> | undefined,
  what: string,
): StepResult<O> {
  if (!isObject(payload) || !isObject(payload.observation ?? {})) {
    throw new ProtocolError(
      `The reply to '${what}' is not an {observation, reward, done} object`,
      { reply: payload },
    );
  }
  const raw = (payload.observation ?? {}) as Record<string, unknown>;
  const r = payload.reward;
  const reward: Reward = typeof r === "number" || typeof r === "boolean" ? r : null;
  const done = payload.done === true;
  if (!schema) return { observation: raw as O, reward, done };
  const parsed = schema.safeParse({ ...raw, reward, done });
  if (!parsed.success) {
    throw new ProtocolError(
      `The observation of '${what}' does not match the schema: ${describeIssues(parsed.error)}`,
      { cause: parsed.error, reply: payload },
    );
  }
  return { observation: parsed.data, reward, done };
}

/** Parses a state reply. */
export function toState<S>(data: unknown, schema: Schema<S> | undefined): S {
  if (!isObject(data)) {
    throw new ProtocolError("The reply to 'state' is not an object", { reply: data });
  }
  if (!schema) return data as S;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ProtocolError(
      `The state does not match the schema: ${describeIssues(parsed.error)}`,
      { cause: parsed.error, reply: data },
    );
  }
  return parsed.data;
}

/** A controller aborted by the caller's signal or after `timeoutS`. */
export function deadline(
  what: string,
  signal: AbortSignal | undefined,
  timeoutS: number,
  onTimeout: () => unknown,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  const timer = Number.isFinite(timeoutS) && timeoutS > 0
    ? setTimeout(() => controller.abort(onTimeout()), timeoutS * 1000)
    : undefined;
  void what;
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Waits `ms`, or rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
