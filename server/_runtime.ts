// Internal: what the HTTP routes and the WebSocket handler share about one
// environment (schemas, option filters, limits, sessions).
import type { z } from "zod";
import type { Environment, ResetOptions, StepOptions } from "../core/environment.ts";
import { OpenEnvError } from "../core/errors.ts";
import { checkResetFields, type ErrorDetail, toErrorDetails } from "./_validation.ts";
import type { SessionManager } from "./session_manager.ts";
import type { FloatPlan } from "./_float_paths.ts";

/** Which extra reset/step keys reach the environment. */
export type OptionFilter = z.ZodObject | "all" | "none";

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: ErrorDetail[] };

export interface Runtime {
  sessions: SessionManager;
  createEnv(): Promise<Environment>;
  action: z.ZodType;
  resetFilter: OptionFilter;
  stepFilter: OptionFilter;
  stepTimeoutMs: number | null;
  maxFrameBytes: number;
  /** Where the observation schema declares floats (null: none). */
  observationPlan: FloatPlan | null;
  /** Where the state schema declares floats (null: none). */
  statePlan: FloatPlan | null;
  /** Open session sockets, so a shutdown can wait for their close handshakes. */
  sockets?: Set<LiveSocket>;
}

/** A WebSocket the server is serving. */
export interface LiveSocket {
  /** Ends its session (if any) and starts the close handshake with 1000. */
  end(): void;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;
}

/**
 * Ends every open socket and waits (at most `limitMs`) for their close
 * handshakes, so clients see code 1000 rather than the 1001 a server stop
 * would give them.
 */
export async function drainSockets(
  sockets: Set<LiveSocket> | undefined,
  limitMs = 3000,
): Promise<void> {
  if (!sockets || sockets.size === 0) return;
  const all = [...sockets];
  for (const s of all) s.end();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
  try {
    await Promise.race([Promise.all(all.map((s) => s.closed)), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Validates an action; `loc` is relative to the action object. */
export function parseAction(rt: Runtime, data: unknown): Checked<unknown> {
  const result = rt.action.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toErrorDetails(result.error.issues, data) };
}

function filterExtras(
  filter: OptionFilter,
  extras: Record<string, unknown>,
  prefix: (string | number)[],
): Checked<Record<string, unknown>> {
  if (filter === "all") return { ok: true, value: extras };
  if (filter === "none") return { ok: true, value: {} };
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(filter.shape)) if (key in extras) picked[key] = extras[key];
  const result = filter.partial().safeParse(picked, { reportInput: true });
  if (!result.success) {
    return { ok: false, errors: toErrorDetails(result.error.issues, picked, prefix) };
  }
  return { ok: true, value: result.data as Record<string, unknown> };
}

/** Turns a wire reset body into {@linkcode ResetOptions}. */
export function parseResetOptions(
  rt: Runtime,
  body: Record<string, unknown>,
  prefix: (string | number)[],
): Checked<ResetOptions> {
  const fields = checkResetFields(body, prefix);
  if (!fields.ok) return fields;
  const extras = filterExtras(rt.resetFilter, fields.value.extras, prefix);
  if (!extras.ok) return extras;
  const options: ResetOptions = { ...extras.value };
  if (fields.value.seed !== undefined) options.seed = fields.value.seed;
  if (fields.value.episode_id !== undefined) options.episodeId = fields.value.episode_id;
  return { ok: true, value: options };
}

/** Filters step extras (HTTP only) into {@linkcode StepOptions}. */
export function parseStepExtras(
  rt: Runtime,
  extras: Record<string, unknown>,
): Checked<StepOptions> {
  const filtered = filterExtras(rt.stepFilter, extras, ["body"]);
  if (!filtered.ok) return filtered;
  return { ok: true, value: { ...filtered.value } };
}

/** Runs `op`, failing with a timeout error after the server's step limit. */
export async function withStepTimeout<T>(
  rt: Runtime,
  what: string,
  op: () => T | Promise<T>,
): Promise<T> {
  if (rt.stepTimeoutMs === null) return await op();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new OpenEnvError(
            "STEP_TIMEOUT",
            `${what} did not finish within ${rt.stepTimeoutMs! / 1000}s`,
          ),
        ),
      rt.stepTimeoutMs!,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(op), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks that an environment returned an observation object. */
export function asObservation(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what} must return an observation object, got ${typeof value}`);
  }
  return value as Record<string, unknown>;
}
