// Bounded fuzzing of /ws, POST /step, POST /reset, POST /mcp and WS /mcp with
// seeded random and mutated inputs, and a bounded soak. The seed is printed;
// rerun one with FUZZ_SEED=<seed>. Every input must get a protocol error or a
// valid reply, the server must stay up, and a healthy session running beside
// the fuzzer must be unaffected.
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { Environment, type Observation, type State, WS_ERROR_CODES } from "../mod.ts";
import { createApp } from "../server/mod.ts";
import { openRawSocket, type RawSocket, startTestServer } from "../testing/mod.ts";
import { createEchoApp } from "@openenv/echo";
import { calculatorApp, ScriptedAction, scriptedApp } from "./_fixtures.ts";

// ------------------------------------------------------------ seeded random

function readSeed(): number {
  try {
    const fixed = Deno.env.get("FUZZ_SEED");
    if (fixed && /^\d+$/.test(fixed)) return Number(fixed) >>> 0;
  } catch { /* no env permission */ }
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const STRINGS = [
  "",
  "reset",
  "step",
  "state",
  "close",
  "mcp",
  "echo",
  "throw",
  "hang",
  "bad_return",
  "reward",
  "metadata",
  "tools/list",
  "tools/call",
  "openenv/session/create",
  "openenv/session/close",
  "2.0",
  "add",
  "counter",
  "__proto__",
  "constructor",
  "é ü 漢字 🎲",
  "\u0000",
  "\ud800",
  "x".repeat(300),
  "1e309",
  "-0",
];
const KEYS = [
  "type",
  "data",
  "seed",
  "episode_id",
  "command",
  "text",
  "reward",
  "ms",
  "metadata",
  "action",
  "timeout_s",
  "request_id",
  "jsonrpc",
  "method",
  "params",
  "id",
  "name",
  "arguments",
  "session_id",
  "a",
  "b",
  "__proto__",
];
const NUMBERS = [0, -1, 1, 1.5, -0, 2 ** 53, 1e20, 1e-7, Number.MAX_SAFE_INTEGER, 255, 256];

function randomValue(r: Rng, depth = 0): unknown {
  const roll = r.int(depth > 2 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick(NUMBERS);
    case 3:
      return (r.next() - 0.5) * 10 ** r.int(12);
    case 4:
    case 5:
      return r.pick(STRINGS);
    case 6:
    case 7: {
      const obj: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) obj[r.pick(KEYS)] = randomValue(r, depth + 1);
      return obj;
    }
    default:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
  }
}

/** Changes one thing in a JSON value: a key, a value, a type. */
function mutateValue(r: Rng, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 3 || r.next() < 0.25) {
    return randomValue(r, depth);
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length && r.next() < 0.5) {
      copy[r.int(copy.length)] = mutateValue(r, copy[0], depth + 1);
    } else copy.push(randomValue(r, depth + 1));
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const action = r.int(4);
  if (action === 0 && keys.length) delete copy[r.pick(keys)];
  else if (action === 1) copy[r.pick(KEYS)] = randomValue(r, depth + 1);
  else if (keys.length) {
    const key = r.pick(keys);
    copy[key] = mutateValue(r, copy[key], depth + 1);
  } else copy[r.pick(KEYS)] = randomValue(r, depth + 1);
  return copy;
}

/** Changes the text itself: truncation, a flipped or inserted character. */
function mutateText(r: Rng, text: string): string {
  switch (r.int(5)) {
    case 0:
      return text.slice(0, r.int(text.length + 1));
    case 1: {
      const at = r.int(text.length + 1);
      return text.slice(0, at) + r.pick(['"', "{", "}", "[", ",", ":", "\\", " ", "é", "\u0001"]) +
        text.slice(at);
    }
    case 2: {
      const at = r.int(Math.max(text.length, 1));
      return text.slice(0, at) + String.fromCharCode(r.int(128)) + text.slice(at + 1);
    }
    case 3:
      return text + text;
    default:
      return r.pick(["", " ", "null", "[]", "{}", "1", '"x"', "{", "nul", "tru"]);
  }
}

/** A fuzz input from valid seeds: mutated values, mutated text, or pure noise. */
function input(r: Rng, seeds: readonly unknown[]): string | Uint8Array<ArrayBuffer> {
  const roll = r.next();
  if (roll < 0.03) return crypto.getRandomValues(new Uint8Array(new ArrayBuffer(r.int(64))));
  if (roll < 0.35) return JSON.stringify(r.pick(seeds));
  if (roll < 0.7) return JSON.stringify(mutateValue(r, r.pick(seeds)));
  if (roll < 0.9) return mutateText(r, JSON.stringify(r.pick(seeds)));
  return JSON.stringify(randomValue(r));
}

// -------------------------------------------------------------------- seeds

const WS_SEEDS = [
  { type: "reset", data: {} },
  { type: "reset", data: { seed: 7, episode_id: "fz" } },
  { type: "step", data: { command: "echo", text: "hi" } },
  { type: "step", data: { command: "reward", reward: 1 } },
  { type: "step", data: { command: "metadata", text: "m" } },
  { type: "step", data: { command: "throw" } },
  { type: "step", data: { command: "hang" } },
  { type: "step", data: { command: "slow", ms: 5 } },
  { type: "step", data: { command: "bad_return" } },
  { type: "state" },
  { type: "close" },
  { type: "mcp", data: { jsonrpc: "2.0", method: "tools/list", id: 1 } },
  { type: "mcp", data: { jsonrpc: "2.0", method: "openenv/session/create", id: "s" } },
];
const STEP_SEEDS = [
  { action: { command: "echo", text: "x" } },
  { action: { command: "reward", reward: 2 }, timeout_s: 5, request_id: "r" },
  { action: { command: "throw" } },
  { action: { command: "metadata" }, render: true },
];
const RESET_SEEDS = [{}, { seed: 1 }, { seed: 3, episode_id: "e" }, { foo: 1 }];
const MCP_SEEDS = [
  { jsonrpc: "2.0", method: "tools/list", id: 1 },
  {
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "add", arguments: { a: 1, b: 2 } },
    id: 2,
  },
  { jsonrpc: "2.0", method: "tools/call", params: { name: "counter" }, id: "c" },
  { jsonrpc: "2.0", method: "tools/call", params: { name: "fail" }, id: 3 },
  { jsonrpc: "2.0", method: "openenv/session/create", id: 4 },
  { jsonrpc: "2.0", method: "openenv/session/close", params: { session_id: "nope" }, id: 5 },
  { jsonrpc: "2.0", method: "nope", id: 6 },
];

// ------------------------------------------------------------------ checks

const RPC_CODES = new Set([-32700, -32600, -32601, -32602, -32603, -32000]);

function checkRpc(reply: unknown, where: string): void {
  const r = reply as Record<string, unknown>;
  assert.equal(r.jsonrpc, "2.0", where);
  assert.ok("id" in r, where);
  assert.ok(("result" in r) !== ("error" in r), `${where}: exactly one of result and error`);
  if ("error" in r) {
    const e = r.error as Record<string, unknown>;
    assert.ok(RPC_CODES.has(e.code as number), `${where}: code ${e.code}`);
    assert.equal(typeof e.message, "string", where);
    assert.ok("data" in e, where);
  }
}

function checkWsReply(reply: unknown, where: string): "ok" | "error" {
  const f = reply as { type: string; data: Record<string, unknown> };
  assert.deepEqual(Object.keys(f), ["type", "data"], where);
  switch (f.type) {
    case "error":
      assert.ok((WS_ERROR_CODES as readonly string[]).includes(f.data.code as string), where);
      assert.equal(typeof f.data.message, "string", where);
      return "error";
    case "observation":
      assert.deepEqual(Object.keys(f.data), ["observation", "reward", "done"], where);
      assert.equal(typeof f.data.done, "boolean", where);
      return "ok";
    case "state":
      assert.equal(typeof f.data, "object", where);
      return "ok";
    case "mcp":
      checkRpc(f.data, where);
      return "ok";
    default:
      assert.fail(`${where}: unexpected reply type ${f.type}`);
  }
}

type Frame = { type: string; data: Record<string, unknown> };

/** A session that must not notice the fuzzer: its episode and step count stay its own. */
async function neighbour(wsUrl: string) {
  const ws = await openRawSocket(wsUrl);
  const reset = await ws.request({ type: "reset", data: { episode_id: "neighbour" } }) as {
    type: string;
  };
  assert.equal(reset.type, "observation");
  let steps = 0;
  return {
    ws,
    async check(): Promise<void> {
      const step = await ws.request({ type: "step", data: { command: "echo", text: "n" } }) as {
        type: string;
      };
      assert.equal(step.type, "observation");
      steps++;
      const state = await ws.request({ type: "state" }) as { data: Record<string, unknown> };
      assert.deepEqual(
        [state.data.episode_id, state.data.step_count],
        ["neighbour", steps],
        "the neighbour's episode is untouched",
      );
    },
  };
}

// ------------------------------------------------------------------- tests

const SEED = readSeed();
console.log(`fuzz seed: ${SEED} (rerun with FUZZ_SEED=${SEED})`);

Deno.test(`fuzz /ws with 1500 seeded inputs (seed ${SEED}): every input answered, server up`, async () => {
  const r = prng(SEED);
  const app = scriptedApp({ stepTimeoutS: 0.1, maxMessageBytes: 64 * 1024 });
  await using server = startTestServer(app);
  const healthy = await neighbour(server.wsUrl);
  await using _h = healthy.ws;
  let ws: RawSocket = await openRawSocket(server.wsUrl);
  const tally = { ok: 0, error: 0, closed: 0 };
  try {
    for (let i = 0; i < 1500; i++) {
      const message = input(r, WS_SEEDS);
      const where = `input #${i} ${
        typeof message === "string" ? message.slice(0, 200) : "<binary>"
      }`;
      ws.send(message);
      let reply: unknown;
      try {
        reply = await ws.next(5000);
      } catch (error) {
        // Only a valid close or a step that timed out may end the session.
        const text = typeof message === "string" ? message : "";
        assert.ok(/close|hang|slow/.test(text), `${where}: socket ended: ${error}`);
        assert.equal(await ws.closed, 1000, where);
        tally.closed++;
        ws = await openRawSocket(server.wsUrl);
        continue;
      }
      tally[checkWsReply(reply, where)]++;
      const f = reply as { data: { message?: string } };
      if (f.data.message?.includes("the session is closed")) {
        assert.equal(await ws.closed, 1000, where);
        tally.closed++;
        ws = await openRawSocket(server.wsUrl);
      }
      if (i % 50 === 0) await healthy.check();
    }
  } finally {
    await ws.close();
  }
  await healthy.check();
  assert.ok(tally.ok > 100 && tally.error > 100, `a useful mix: ${JSON.stringify(tally)}`);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  console.log(`/ws fuzz: ${JSON.stringify(tally)}`);
});

Deno.test(`fuzz POST /step and /reset with 1200 seeded inputs (seed ${SEED})`, async () => {
  const r = prng(SEED ^ 0x5eed);
  await using server = startTestServer(scriptedApp({ stepTimeoutS: 0.1 }));
  const healthy = await neighbour(server.wsUrl);
  await using _h = healthy.ws;
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 1200; i++) {
    const path = i % 3 === 0 ? "/reset" : "/step";
    const body = input(r, path === "/reset" ? RESET_SEEDS : STEP_SEEDS);
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await res.text();
    const where = `${path} #${i} ${typeof body === "string" ? body.slice(0, 200) : "<binary>"}`;
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 200) {
      const parsed = JSON.parse(text);
      assert.deepEqual(Object.keys(parsed), ["observation", "reward", "done"], where);
      assert.ok(parsed.reward === null || typeof parsed.reward === "number", where);
    } else if (res.status === 422) {
      const { detail } = JSON.parse(text);
      assert.ok(Array.isArray(detail) && detail.length > 0, where);
      for (const d of detail) {
        assert.equal(typeof d.type, "string", where);
        assert.ok(Array.isArray(d.loc), where);
        assert.equal(typeof d.msg, "string", where);
      }
    } else {
      // Only the environment failing (on purpose) may give a 500.
      assert.equal(res.status, 500, `${where}: status ${res.status} ${text}`);
      assert.equal(text, "Internal Server Error", where);
      assert.ok(/throw|bad_return|hang/.test(String(body)), `${where}: unexpected 500`);
    }
    if (i % 50 === 0) await healthy.check();
  }
  await healthy.check();
  assert.ok(statuses[200] > 50 && statuses[422] > 50, `a useful mix: ${JSON.stringify(statuses)}`);
  console.log(`HTTP fuzz statuses: ${JSON.stringify(statuses)}`);
});

Deno.test(`fuzz POST /mcp and WS /mcp with 1200 seeded inputs (seed ${SEED})`, async () => {
  const r = prng(SEED ^ 0xabcdef);
  const app = calculatorApp({ maxConcurrentEnvs: 64 });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.mcpUrl);
  // The healthy neighbour here is an HTTP MCP session with per-session state.
  const rpc = async (body: unknown) =>
    await (await fetch(`${server.url}/mcp`, { method: "POST", body: JSON.stringify(body) })).json();
  const sid = (await rpc({ jsonrpc: "2.0", method: "openenv/session/create", id: 0 })).result
    .session_id;
  let count = 0;
  const check = async () => {
    const reply = await rpc({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "counter", session_id: sid },
      id: 1,
    });
    assert.equal(reply.result.data, String(++count), "the neighbour's session state is intact");
  };
  for (let i = 0; i < 1200; i++) {
    const body = input(r, MCP_SEEDS);
    const where = `#${i} ${typeof body === "string" ? body.slice(0, 200) : "<binary>"}`;
    if (i % 2 === 0) {
      const res = await fetch(`${server.url}/mcp`, { method: "POST", body });
      assert.equal(res.status, 200, where);
      checkRpc(await res.json(), `POST /mcp ${where}`);
    } else {
      checkRpc(await ws.request(body), `WS /mcp ${where}`);
    }
    if (i % 50 === 0) await check();
  }
  await check();
  // Sessions the fuzzer created are still bounded by capacity; end them all.
  assert.ok(app.sessions.size <= 64);
});

Deno.test(`fuzz HTTP methods and paths with 400 seeded requests (seed ${SEED})`, async () => {
  const r = prng(SEED ^ 0x9a7b);
  await using server = startTestServer(scriptedApp());
  const healthy = await neighbour(server.wsUrl);
  await using _h = healthy.ws;
  const paths = ["/reset", "/step", "/state", "/health", "/metadata", "/schema", "/mcp", "/ws"];
  const extra = [
    "/openapi.json",
    "/docs",
    "/redoc",
    "/session",
    "/",
    "/web",
    "/reset/",
    "/%00",
    "/..",
  ];
  for (let i = 0; i < 400; i++) {
    const method = r.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
    const path = r.next() < 0.8
      ? r.pick([...paths, ...extra])
      : `/${encodeURIComponent(mutateText(r, r.pick(paths)))}`;
    const body = method === "GET" || method === "HEAD" ? undefined : input(r, STEP_SEEDS);
    const res = await fetch(`${server.url}${path}`, { method, body });
    const text = await res.text();
    const where = `${method} ${path} #${i}`;
    assert.ok(
      [200, 404, 405, 422, 426, 500].includes(res.status),
      `${where}: ${res.status} ${text}`,
    );
    const unknownSession = path === "/session" && res.status === 404;
    if (unknownSession) assert.match(JSON.parse(text).detail, /^Unknown session: /, where);
    else if ((res.status === 404 || res.status === 405) && method !== "HEAD") {
      assert.deepEqual(
        JSON.parse(text),
        { detail: res.status === 404 ? "Not Found" : "Method Not Allowed" },
        where,
      );
    }
    if (res.status === 500) assert.equal(text, "Internal Server Error", where);
    if (i % 50 === 0) await healthy.check();
  }
  await healthy.check();
});

const ECHO_SEEDS = [
  { type: "reset", data: {} },
  { type: "step", data: { message: "hi" } },
  { type: "step", data: { type: "list_tools" } },
  {
    type: "step",
    data: { type: "call_tool", tool_name: "echo_message", arguments: { message: "x" } },
  },
  { type: "step", data: { type: "call_tool", tool_name: "echo_with_length", arguments: {} } },
  { type: "step", data: { tool_name: "nope" } },
  { type: "state" },
  {
    type: "mcp",
    data: { jsonrpc: "2.0", method: "tools/call", params: { name: "echo_message" }, id: 1 },
  },
  { type: "mcp", data: { jsonrpc: "2.0", method: "tools/list", id: 2 } },
];

Deno.test(`fuzz the echo environment's tools over /ws and POST /mcp with 800 inputs (seed ${SEED})`, async () => {
  const r = prng(SEED ^ 0xec40);
  await using server = startTestServer(createEchoApp());
  let ws: RawSocket = await openRawSocket(server.wsUrl);
  const healthy = await openRawSocket(server.wsUrl);
  await using _h = healthy;
  await healthy.request({ type: "reset", data: { episode_id: "neighbour" } });
  let steps = 0;
  const check = async () => {
    const reply = await healthy.request({ type: "step", data: { message: "n" } }) as Frame;
    assert.equal(reply.type, "observation");
    steps++;
    const state = await healthy.request({ type: "state" }) as Frame;
    assert.deepEqual([state.data.episode_id, state.data.step_count], ["neighbour", steps]);
  };
  try {
    for (let i = 0; i < 800; i++) {
      const message = input(r, ECHO_SEEDS);
      const where = `echo #${i} ${
        typeof message === "string" ? message.slice(0, 200) : "<binary>"
      }`;
      if (i % 2 === 0) {
        ws.send(message);
        let reply: unknown;
        try {
          reply = await ws.next(5000);
        } catch (error) {
          assert.ok(typeof message === "string" && message.includes("close"), `${where}: ${error}`);
          assert.equal(await ws.closed, 1000, where);
          ws = await openRawSocket(server.wsUrl);
          continue;
        }
        checkWsReply(reply, where);
      } else {
        const body = input(r, MCP_SEEDS.map((m) => ({ ...m, params: { name: "echo_message" } })));
        const res = await fetch(`${server.url}/mcp`, { method: "POST", body });
        assert.equal(res.status, 200, where);
        checkRpc(await res.json(), `POST /mcp ${where}`);
      }
      if (i % 50 === 0) await check();
    }
  } finally {
    await ws.close();
  }
  await check();
});

// ------------------------------------------------------------------- soak

/** A full garbage collection, so heap numbers compare live objects only. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
}

/** An environment that holds 2 MiB of heap, so a leaked session would show. */
class Ballast extends Environment {
  static created = 0;
  static closed = 0;
  ballast: number[] = new Array(262144).fill(1.5);
  constructor() {
    super();
    Ballast.created++;
  }
  override close(): void {
    Ballast.closed++;
  }
  #steps = 0;
  reset(): Observation {
    this.#steps = 0;
    return { done: false, reward: 0, metadata: {} };
  }
  step(): Observation {
    this.#steps++;
    return { done: this.#steps % 10 === 0, reward: this.#steps, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: this.#steps };
  }
}

Deno.test("soak: 6000 steps over 300 sessions; sessions return to zero, heap stays bounded", async () => {
  const app = createApp(() => new Ballast(), { action: ScriptedAction.partial() });
  await using server = startTestServer(app);
  const round = async (sessions: number, steps: number) => {
    await Promise.all(Array.from({ length: sessions }, async () => {
      await using ws = await openRawSocket(server.wsUrl);
      await ws.request({ type: "reset", data: {} });
      for (let i = 0; i < steps; i++) {
        const reply = await ws.request({ type: "step", data: {} }) as { type: string };
        assert.equal(reply.type, "observation");
      }
    }));
    // HTTP sessions too: stateless steps build and close an env each.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/step`, { method: "POST", body: '{"action":{}}' });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
  };
  await round(10, 20); // warm-up
  const until = Date.now() + 5000;
  while (app.sessions.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  collectGarbage();
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < 30; i++) await round(10, 20);
  const settle = Date.now() + 5000;
  while (app.sessions.size > 0 && Date.now() < settle) await new Promise((r) => setTimeout(r, 10));
  assert.equal(app.sessions.size, 0, "every session ended");
  assert.equal(app.sessions.capacity.activeSessions, 0);
  collectGarbage();
  const after = Deno.memoryUsage().heapUsed;
  const growthMb = (after - before) / 2 ** 20;
  console.log(
    `soak heap: ${(before / 2 ** 20).toFixed(1)} MiB -> ${(after / 2 ** 20).toFixed(1)} MiB`,
  );
  assert.equal(Ballast.closed, Ballast.created, "every environment was closed");
  // 300 sessions each held 2 MiB: leaking them would add about 600 MiB.
  assert.ok(growthMb < 32, `heap grew by ${growthMb.toFixed(1)} MiB`);
});
