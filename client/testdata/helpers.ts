// Test helpers for the client suites: a TCP proxy whose connections can be
// cut (a network drop, no close frame), and small in-test environments.
import {
  ActionSchema,
  Environment,
  type Observation,
  ObservationSchema,
  type State,
  type StepOptions,
} from "../../core/mod.ts";
import { createApp, type EnvServerApp } from "../../server/mod.ts";
import { z } from "zod";

/** A TCP proxy to a target port; `cut()` drops every open connection. */
export interface Proxy {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops every open connection abruptly (both directions). */
  cut(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function startProxy(targetPort: number): Proxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const pumps: Promise<void>[] = [];
  let accepted = 0;
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buf);
        if (n === null) break;
        let off = 0;
        while (off < n) off += await to.write(buf.subarray(off, n));
      }
    } catch { /* cut */ }
    for (const c of [from, to]) {
      if (open.delete(c)) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    }
  };
  const loop = (async () => {
    for await (const client of listener) {
      accepted++;
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      open.add(client);
      open.add(upstream);
      pumps.push(pipe(client, upstream), pipe(upstream, client));
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  const cut = () => {
    for (const c of [...open]) {
      open.delete(c);
      try {
        c.close();
      } catch { /* closed */ }
    }
  };
  const close = async () => {
    cut();
    try {
      listener.close();
    } catch { /* closed */ }
    await loop;
    await Promise.all(pumps);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    cut,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Action of the test environment: a message, or an instruction. */
export const TestAction = ActionSchema.extend({
  message: z.string(),
});
export type TestAction = z.infer<typeof TestAction>;

export const TestObservation = ObservationSchema.extend({
  echoed: z.string().default(""),
});
export type TestObservation = z.infer<typeof TestObservation>;

/** Counters shared by every instance of a test app. */
export interface Probe {
  stateReads: number;
  stepsStarted: number;
  closed: number;
  /** Steps running now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  /** Resolved each time a step starts (replaced after). */
  stepStarted: Promise<void>;
}

/**
 * An environment that echoes, except: "hang" never resolves (until the
 * session ends), "fail" throws, "slow:<ms>" waits first.
 */
export function createTestApp(
  options: { maxConcurrentEnvs?: number } = {},
): { app: EnvServerApp; probe: Probe } {
  let signalStart!: () => void;
  const probe: Probe = {
    stateReads: 0,
    stepsStarted: 0,
    closed: 0,
    inFlight: 0,
    maxInFlight: 0,
    stepStarted: new Promise<void>((r) => (signalStart = r)),
  };
  class TestEnv extends Environment<TestAction, TestObservation> {
    #state: State = { episode_id: null, step_count: 0 };
    reset(opts: { seed?: number; episodeId?: string }): TestObservation {
      this.#state = { episode_id: opts.episodeId ?? crypto.randomUUID(), step_count: 0 };
      return { echoed: `seed=${opts.seed ?? "none"}`, done: false, reward: 0, metadata: {} };
    }
    async step(action: TestAction, opts: StepOptions): Promise<TestObservation> {
      probe.inFlight++;
      probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
      try {
        return await this.#step(action, opts);
      } finally {
        probe.inFlight--;
      }
    }
    async #step(action: TestAction, opts: StepOptions): Promise<TestObservation> {
      probe.stepsStarted++;
      const fire = signalStart;
      probe.stepStarted = new Promise<void>((r) => (signalStart = r));
      fire();
      if (action.message === "hang") {
        await new Promise<void>((resolve) => {
          if (opts.signal?.aborted) resolve();
          opts.signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        throw new Error("session ended");
      }
      if (action.message === "fail") throw new Error("the environment failed on purpose");
      const slow = /^slow:(\d+)$/.exec(action.message);
      if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
      this.#state.step_count++;
      return {
        echoed: action.message,
        done: action.message === "bye",
        reward: action.message.length,
        metadata: {},
      };
    }
    get state(): State {
      probe.stateReads++;
      return { ...this.#state };
    }
    override close(): void {
      probe.closed++;
    }
  }
  const app = createApp(() => new TestEnv(), {
    action: TestAction,
    observation: TestObservation,
    maxConcurrentEnvs: options.maxConcurrentEnvs,
    onError: () => {},
  });
  return { app, probe };
}

/** Polls until `check` is true (no time assertion: the test's own limit applies). */
export async function until(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export type { Observation };
