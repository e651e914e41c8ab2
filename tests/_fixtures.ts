// Environments shared by the cross-cutting suites (conformance, faults, fuzz).
import { z } from "zod";
import {
  ActionSchema,
  type CallToolOptions,
  Environment,
  type Observation,
  ObservationSchema,
  type ResetOptions,
  type State,
  StateSchema,
  type StepOptions,
  type ToolHost,
  type ToolInfo,
} from "../mod.ts";
import { createApp, type CreateAppOptions, type EnvServerApp } from "../server/mod.ts";

/** The action of {@linkcode ScriptedEnv}: a command that says what the step does. */
export const ScriptedAction = ActionSchema.extend({
  command: z.enum(["echo", "throw", "hang", "slow", "reward", "metadata", "bad_return"]),
  text: z.string().default(""),
  reward: z.union([z.number(), z.boolean(), z.null()]).optional(),
  ms: z.number().int().min(0).default(0),
});
export type ScriptedAction = z.infer<typeof ScriptedAction>;

/** Its observation: a string and one float field. */
export const ScriptedObservation = ObservationSchema.extend({
  text: z.string().default(""),
  score: z.number().default(0),
  count: z.number().int().default(0),
});

/** Its state: the base state plus a declared float and a label. */
export const ScriptedState = StateSchema.extend({ label: z.string(), temperature: z.number() });

/** What the tests can make {@linkcode ScriptedEnv} do at each call. */
export interface Script {
  throwOnReset?: boolean;
  throwOnState?: boolean;
  throwOnClose?: boolean;
  /** Makes `reset` never finish. */
  hangOnReset?: boolean;
}

/** Every instance, in creation order, to inspect what the server did. */
export const instances: ScriptedEnv[] = [];

/**
 * An environment whose steps do what the action says: echo, throw, hang
 * (until aborted), sleep, return a chosen reward or metadata, or return a
 * non-object.
 */
export class ScriptedEnv extends Environment {
  episodeId: string | null = null;
  steps = 0;
  closed = 0;
  lastResetOptions: ResetOptions | undefined;
  lastStepOptions: StepOptions | undefined;
  aborted = false;

  constructor(readonly script: Script = {}) {
    super();
    instances.push(this);
  }

  reset(options: ResetOptions): Promise<Observation> | Observation {
    this.lastResetOptions = options;
    if (this.script.throwOnReset) throw new Error("reset failed on purpose");
    if (this.script.hangOnReset) return new Promise(() => {});
    this.episodeId = options.episodeId ?? "fresh";
    this.steps = 0;
    const obs = { text: "ready", score: 1, count: 0, done: false, reward: 0, metadata: {} };
    return obs;
  }

  async step(action: ScriptedAction, options: StepOptions): Promise<Observation> {
    this.lastStepOptions = options;
    this.steps++;
    const obs = { text: action.text, score: this.steps, count: this.steps, metadata: {} };
    switch (action.command) {
      case "throw":
        throw new Error(`step failed: ${action.text}`);
      case "hang":
        await new Promise<void>((resolve) => {
          options.signal?.addEventListener("abort", () => {
            this.aborted = true;
            resolve();
          });
        });
        return { ...obs, done: false, reward: null };
      case "slow":
        await new Promise((r) => setTimeout(r, action.ms));
        return { ...obs, done: false, reward: null };
      case "reward":
        return { ...obs, done: false, reward: action.reward ?? null };
      case "metadata":
        return { ...obs, done: true, reward: 1, metadata: { note: action.text } };
      case "bad_return":
        return "not an observation" as unknown as Observation;
      default:
        return { ...obs, done: false, reward: 0.5 };
    }
  }

  get state(): State {
    if (this.script.throwOnState) throw new Error("state failed on purpose");
    return {
      episode_id: this.episodeId,
      step_count: this.steps,
      label: "scripted",
      temperature: 20,
    } as State;
  }

  override close(): void {
    this.closed++;
    if (this.script.throwOnClose) throw new Error("close failed on purpose");
  }
}

/** Builds an app around {@linkcode ScriptedEnv}. */
export function scriptedApp(
  options: Partial<CreateAppOptions> & { script?: Script } = {},
): EnvServerApp {
  const { script, ...rest } = options;
  return createApp(function scriptedFactory() {
    return new ScriptedEnv(script);
  }, {
    action: ScriptedAction,
    observation: ScriptedObservation,
    state: ScriptedState,
    onError: () => {},
    ...rest,
  });
}

/** A tool environment: `add`, `greet`, `counter` (per-session state) and `fail`. */
export class CalculatorEnv extends Environment implements ToolHost {
  static stepCalls = 0;
  #count = 0;
  #steps = 0;

  reset(): Observation {
    this.#steps = 0;
    return { done: false, reward: null, metadata: {} };
  }

  step(): Observation {
    CalculatorEnv.stepCalls++;
    this.#steps++;
    return { done: false, reward: 1, metadata: {} };
  }

  get state(): State {
    return { episode_id: "calc", step_count: this.#steps };
  }

  listTools(): ToolInfo[] {
    const num = { type: "number" };
    return [
      {
        name: "add",
        description: "Adds two numbers.",
        inputSchema: { type: "object", properties: { a: num, b: num }, required: ["a", "b"] },
      },
      {
        name: "greet",
        description: "Greets someone.",
        inputSchema: { type: "object", properties: { name: { type: "string" } } },
      },
      { name: "counter", description: "Counts calls in this session.", inputSchema: {} },
    ];
  }

  callTool(name: string, args: Record<string, unknown>, _options?: CallToolOptions): unknown {
    const wrap = (data: unknown) => ({
      content: [{ type: "text", text: String(data), annotations: null, meta: null }],
      structured_content: { result: data },
      meta: null,
      data,
      is_error: false,
    });
    switch (name) {
      case "add":
        if (typeof args.a !== "number" || typeof args.b !== "number") {
          throw new Error("Missing required argument: 'a' and 'b' must be numbers");
        }
        return wrap(args.a + args.b);
      case "greet":
        return wrap(`Hello, ${args.name ?? "there"}!`);
      case "counter":
        return wrap(String(++this.#count));
      case "fail":
        throw new Error("tool failed on purpose");
      default:
        throw new Error(`Unknown tool: '${name}'`);
    }
  }
}

/** Builds an app around {@linkcode CalculatorEnv}. */
export function calculatorApp(options: Partial<CreateAppOptions> = {}): EnvServerApp {
  return createApp(() => new CalculatorEnv(), {
    action: ActionSchema,
    onError: () => {},
    ...options,
  });
}

/** Reads a JSON response and returns status, content type and parsed body. */
export async function readJson(
  res: Response,
): Promise<{ status: number; type: string | null; body: unknown; text: string }> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, type: res.headers.get("content-type"), body, text };
}

/** POSTs a raw body (a string) or a JSON value to a server. */
export function post(base: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
