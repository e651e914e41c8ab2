import assert from "node:assert/strict";
import { Environment, type Observation, OpenEnvError, type State } from "../mod.ts";
import { SessionManager } from "./session_manager.ts";

/** A tiny environment that records whether it was closed. */
class Probe extends Environment {
  static closed = 0;
  closed = false;
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: 1, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
  override close(): void {
    this.closed = true;
    Probe.closed++;
  }
}

const manager = (options: Partial<ConstructorParameters<typeof SessionManager>[0]> = {}) =>
  new SessionManager({ factory: () => new Probe(), maxSessions: 2, ...options });

async function rejection(p: Promise<unknown>): Promise<OpenEnvError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof OpenEnvError, `expected an OpenEnvError, got ${error}`);
    return error;
  }
  assert.fail("expected the promise to reject");
}

Deno.test("SessionManager creates sessions up to the limit, then CAPACITY_REACHED", async () => {
  const m = manager();
  const a = await m.create("ws");
  const b = await m.create("mcp-http");
  assert.notEqual(a.id, b.id);
  assert.equal(m.size, 2);
  assert.deepEqual(m.capacity, { activeSessions: 2, maxSessions: 2 });
  const e = await rejection(m.create("ws"));
  assert.equal(e.code, "CAPACITY_REACHED");
  assert.equal(
    e.message,
    "Server at capacity: 2/2 sessions active. Cannot accept new connections.",
  );
  assert.deepEqual(e.details, { active_sessions: 2, max_sessions: 2 });
  // Freeing one slot lets the next session in.
  assert.equal(await m.destroy(a.id), true);
  const c = await m.create("ws");
  assert.equal(m.get(c.id), c);
  await m.close();
});

Deno.test("SessionManager counts sessions still being built against the limit", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const m = new SessionManager({
    factory: async () => {
      await gate;
      return new Probe();
    },
    maxSessions: 1,
  });
  const pending = m.create("ws");
  assert.deepEqual(m.capacity, { activeSessions: 1, maxSessions: 1 });
  assert.equal((await rejection(m.create("ws"))).code, "CAPACITY_REACHED");
  release();
  const s = await pending;
  assert.equal(m.size, 1);
  await m.destroy(s.id);
  assert.deepEqual(m.capacity, { activeSessions: 0, maxSessions: 1 });
});

Deno.test("SessionManager reports FACTORY_ERROR with the factory's name and frees the slot", async () => {
  const m = new SessionManager({
    factory: function brokenFactory(): Environment {
      throw new Error("no GPU");
    },
    maxSessions: 1,
  });
  const e = await rejection(m.create("ws"));
  assert.equal(e.code, "FACTORY_ERROR");
  assert.equal(e.message, "Environment factory 'brokenFactory' failed to create instance.");
  assert.deepEqual(e.details, { factory_name: "brokenFactory" });
  assert.equal((e.cause as Error).message, "no GPU");
  assert.deepEqual(m.capacity, { activeSessions: 0, maxSessions: 1 });
  // An async factory that rejects is reported the same way.
  const m2 = new SessionManager({
    factory: () => Promise.reject(new Error("later")),
    maxSessions: 1,
  });
  assert.equal((await rejection(m2.create("ws"))).code, "FACTORY_ERROR");
  assert.deepEqual(m2.capacity, { activeSessions: 0, maxSessions: 1 });
});

Deno.test("SessionManager.destroy() aborts the signal, closes the env once and is idempotent", async () => {
  const m = manager();
  const s = await m.create("ws");
  assert.equal(s.abort.signal.aborted, false);
  assert.equal(await m.destroy(s.id), true);
  assert.equal(s.abort.signal.aborted, true);
  assert.equal((s.env as Probe).closed, true);
  assert.equal(await m.destroy(s.id), false);
  assert.equal(await m.destroy("no-such-id"), false);
  assert.equal(m.get(s.id), undefined);
});

Deno.test("SessionManager.destroy() survives an env whose close() throws", async () => {
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const m = new SessionManager({
      factory: () =>
        new (class extends Probe {
          override close(): void {
            throw new Error("close failed");
          }
        })(),
      maxSessions: 1,
    });
    const s = await m.create("ws");
    assert.equal(await m.destroy(s.id), true);
    assert.equal(m.size, 0);
    assert.equal(errors.length, 1, "the failure is logged");
  } finally {
    console.error = original;
  }
});

Deno.test("reapIdle() ends sessions idle past the timeout, keeps busy and fresh ones", async () => {
  const m = manager({ maxSessions: 4, sessionTimeoutS: 10 });
  const idle = await m.create("ws");
  const busy = await m.create("ws");
  const fresh = await m.create("ws");
  const ended: string[] = [];
  idle.onEnd = (reason) => ended.push(`idle:${reason}`);
  busy.onEnd = (reason) => ended.push(`busy:${reason}`);
  const t0 = fresh.lastActivityAt;
  idle.lastActivityAt = t0 - 20_000;
  busy.lastActivityAt = t0 - 20_000;
  busy.busy = 1;
  assert.equal(await m.reapIdle(t0 + 5_000), 1);
  assert.deepEqual(ended, ["idle:idle"]);
  assert.equal(m.get(idle.id), undefined);
  assert.equal((idle.env as Probe).closed, true);
  assert.ok(m.get(busy.id));
  assert.ok(m.get(fresh.id));
  // Once the busy session finishes, it is reaped too; a fake clock drives it.
  busy.busy = 0;
  assert.equal(await m.reapIdle(t0 + 5_000), 1);
  assert.equal(await m.reapIdle(t0 + 10_001), 1, "fresh is idle 10.001 s later");
  assert.equal(m.size, 0);
});

Deno.test("reapIdle() never reaps WebSocket sessions without a timeout, but does reap HTTP ones", async () => {
  const m = manager({ maxSessions: 3, sessionTimeoutS: null, httpSessionTimeoutS: 1 });
  const ws = await m.create("ws");
  const http = await m.create("http");
  const mcp = await m.create("mcp-http");
  const later = Date.now() + 60 * 60 * 1000;
  assert.equal(await m.reapIdle(later), 2);
  assert.ok(m.get(ws.id));
  assert.equal(m.get(http.id), undefined);
  assert.equal(m.get(mcp.id), undefined);
  await m.close();
});

Deno.test("reapIdle() uses the shorter of the two limits for HTTP sessions", async () => {
  const m = manager({ maxSessions: 2, sessionTimeoutS: 2, httpSessionTimeoutS: 300 });
  const http = await m.create("http");
  const t0 = http.lastActivityAt;
  assert.equal(await m.reapIdle(t0 + 1_000), 0);
  assert.equal(await m.reapIdle(t0 + 2_001), 1);
});

Deno.test("the reaper timer runs by itself with a small timeout", async () => {
  const m = manager({ sessionTimeoutS: 0.05 });
  const s = await m.create("ws");
  // The reaper's timer does not keep a process alive (it is unref'd); this one does.
  const keepAlive = setInterval(() => {}, 50);
  const reason = await new Promise<string>((resolve) => (s.onEnd = resolve));
  clearInterval(keepAlive);
  assert.equal(reason, "idle");
  assert.equal(m.size, 0);
});

Deno.test("close() ends every session with reason shutdown and refuses new ones", async () => {
  const m = manager();
  const a = await m.create("ws");
  const b = await m.create("mcp-ws");
  const reasons: string[] = [];
  a.onEnd = (r) => reasons.push(r);
  b.onEnd = (r) => reasons.push(r);
  await m.close();
  assert.deepEqual(reasons, ["shutdown", "shutdown"]);
  assert.equal(m.size, 0);
  assert.equal((a.env as Probe).closed && (b.env as Probe).closed, true);
  const e = await rejection(m.create("ws"));
  assert.equal(e.code, "SESSION_ERROR");
  assert.match(e.message, /shutting down/);
});

Deno.test("a session whose factory finishes after close() is closed, not leaked", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const env = new Probe();
  const m = new SessionManager({
    factory: async () => {
      await gate;
      return env;
    },
    maxSessions: 1,
  });
  const pending = m.create("ws");
  const closing = m.close();
  release();
  assert.equal((await rejection(pending)).code, "SESSION_ERROR");
  await closing;
  assert.equal(env.closed, true);
  assert.equal(m.size, 0);
});

Deno.test("factoryName falls back when the factory is anonymous", () => {
  const m = new SessionManager({ factory: (() => () => new Probe())(), maxSessions: 1 });
  assert.equal(typeof m.factoryName, "string");
  assert.ok(m.factoryName.length > 0);
});

Deno.test("a throwing onEnd callback neither stops the reaper nor shutdown", async () => {
  const original = console.error;
  console.error = () => {};
  try {
    const m = manager({ sessionTimeoutS: 1 });
    const a = await m.create("ws");
    const b = await m.create("ws");
    a.onEnd = () => {
      throw new Error("callback bug");
    };
    assert.equal(await m.reapIdle(Date.now() + 5_000), 2);
    assert.equal(m.size, 0);
    assert.equal((b.env as Probe).closed, true);
    const c = await m.create("ws");
    c.onEnd = () => {
      throw new Error("callback bug");
    };
    await m.close();
    assert.equal((c.env as Probe).closed, true);
  } finally {
    console.error = original;
  }
});

Deno.test("a close() that never finishes does not hold up destroy() or close() past the limit", async () => {
  const reports: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => reports.push(args);
  try {
    const m = new SessionManager({
      factory: () =>
        new (class extends Probe {
          override close(): Promise<void> {
            return new Promise(() => {}); // stuck forever
          }
        })(),
      maxSessions: 2,
      closeTimeoutS: 0.05,
    });
    const a = await m.create("ws");
    await m.create("ws");
    assert.equal(await m.destroy(a.id), true);
    await m.close();
    assert.equal(m.size, 0);
    assert.equal(reports.length, 2, "each stuck close is reported");
    assert.match(String(reports[0][1]), /did not finish within 0.05s/);
  } finally {
    console.error = original;
  }
});

Deno.test("factoryTimeoutS: a hung factory gives FACTORY_ERROR, frees the slot, and a late env is closed", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const late = new Probe();
  const m = new SessionManager({
    factory: async function slowFactory() {
      await gate;
      return late;
    },
    maxSessions: 1,
    factoryTimeoutS: 0.05,
  });
  const e = await rejection(m.create("ws"));
  assert.equal(e.code, "FACTORY_ERROR");
  assert.equal(e.message, "Environment factory 'slowFactory' failed to create instance.");
  assert.match((e.cause as Error).message, /did not finish within 0.05s/);
  assert.deepEqual(m.capacity, { activeSessions: 0, maxSessions: 1 }, "the slot is free");
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(late.closed, true, "the environment that came late was closed");
  assert.equal(m.size, 0);
});
