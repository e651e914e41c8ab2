// Faults and bad input on a real Deno.serve: every case gets the documented
// error, and a healthy session running beside it keeps its episode and keeps
// answering. Timers here only create the conditions (a hang, an idle
// session); no assertion depends on how long anything took.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createApp, serve } from "../server/mod.ts";
import { openRawSocket, type RawSocket, startTestServer } from "../testing/mod.ts";
import {
  instances,
  post,
  readJson,
  ScriptedAction,
  scriptedApp,
  ScriptedEnv,
} from "./_fixtures.ts";

type Frame = { type: string; data: Record<string, unknown> };
const ROOT = fileURLToPath(new URL("../", import.meta.url));

const frame = async (ws: RawSocket, message: unknown): Promise<Frame> =>
  (await ws.request(message)) as Frame;

/** A session beside the fault: started with its own episode, checked afterwards. */
async function healthyNeighbour(wsUrl: string): Promise<{ ws: RawSocket; check(): Promise<void> }> {
  const ws = await openRawSocket(wsUrl);
  const episode = `healthy-${crypto.randomUUID()}`;
  const reset = await frame(ws, { type: "reset", data: { episode_id: episode } });
  assert.equal(reset.type, "observation");
  let steps = 0;
  return {
    ws,
    async check() {
      const step = await frame(ws, { type: "step", data: { command: "echo", text: "still here" } });
      assert.equal(step.type, "observation", JSON.stringify(step));
      assert.equal((step.data.observation as { text: string }).text, "still here");
      steps++;
      const state = await frame(ws, { type: "state" });
      assert.equal(state.data.episode_id, episode);
      assert.ok((state.data.step_count as number) >= steps);
    },
  };
}

async function expectError(ws: RawSocket, message: unknown, code: string): Promise<Frame["data"]> {
  const reply = await frame(ws, message);
  assert.equal(reply.type, "error", JSON.stringify(reply));
  assert.equal(reply.data.code, code, JSON.stringify(reply));
  return reply.data;
}

/** Waits until `predicate` holds, polling; fails with `what` if it never does. */
async function eventually(predicate: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > until) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("bad input barrage on /ws: each gets its error and both sessions live on", async () => {
  await using server = startTestServer(scriptedApp({ maxMessageBytes: 1024 }));
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: { episode_id: "victim" } });
  const cases: [unknown, string][] = [
    ["{not json", "INVALID_JSON"],
    ["", "INVALID_JSON"],
    [new Uint8Array([1, 2, 3]), "INVALID_JSON"],
    ["[1,2]", "VALIDATION_ERROR"],
    ["null", "VALIDATION_ERROR"],
    [{ type: "teleport" }, "UNKNOWN_TYPE"],
    [{ type: 7 }, "UNKNOWN_TYPE"],
    [{ type: "step", data: { command: "fly" } }, "VALIDATION_ERROR"],
    [{ type: "step", data: "echo" }, "VALIDATION_ERROR"],
    [{ type: "step", data: { command: "echo", extra: 1 } }, "VALIDATION_ERROR"],
    [{ type: "reset", data: { seed: "seven" } }, "VALIDATION_ERROR"],
    [{ type: "state", x: 1 }, "VALIDATION_ERROR"],
    [{ type: "mcp", data: 1 }, "VALIDATION_ERROR"],
    [{ type: "step", data: { command: "bad_return" } }, "EXECUTION_ERROR"],
  ];
  for (const [message, code] of cases) {
    await expectError(ws, message, code);
    await neighbour.check();
  }
  const state = await frame(ws, { type: "state" });
  assert.equal(state.data.episode_id, "victim");
});

Deno.test("oversized frames get VALIDATION_ERROR naming size and limit; the session lives on", async () => {
  await using server = startTestServer(scriptedApp({ maxMessageBytes: 1024 }));
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  await using ws = await openRawSocket(server.wsUrl);
  const big = JSON.stringify({ type: "step", data: { command: "echo", text: "x".repeat(2000) } });
  const data = await expectError(ws, big, "VALIDATION_ERROR");
  assert.match(data.message as string, /Message of \d+ bytes is larger than the 1024-byte limit/);
  // Multi-byte characters are counted as UTF-8 bytes.
  const wide = JSON.stringify({ type: "step", data: { command: "echo", text: "é".repeat(600) } });
  assert.ok(wide.length < 1024 && new TextEncoder().encode(wide).length > 1024);
  await expectError(ws, wide, "VALIDATION_ERROR");
  // Just under the limit is fine.
  const ok = await frame(ws, { type: "step", data: { command: "echo", text: "y".repeat(900) } });
  assert.equal(ok.type, "observation");
  await neighbour.check();
  // The raw JSON-RPC socket applies the same limit with a JSON-RPC error.
  await using mcp = await openRawSocket(server.mcpUrl);
  const reply = await mcp.request("x".repeat(3000)) as { error: { code: number; message: string } };
  assert.equal(reply.error.code, -32600);
  assert.match(reply.error.message, /1024-byte limit/);
  await neighbour.check();
});

Deno.test("oversized HTTP bodies get 413 before they are buffered; the server carries on", async () => {
  await using server = startTestServer(scriptedApp({ maxMessageBytes: 1024 }));
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const big = JSON.stringify({ action: { command: "echo", text: "x".repeat(2000) } });
  for (const path of ["/step", "/reset", "/mcp"]) {
    const res = await readJson(await post(server.url, path, big));
    assert.equal(res.status, 413, path);
    assert.match(
      (res.body as { detail: string }).detail,
      /^Request body of \d+ bytes is larger than the 1024-byte limit$/,
    );
    await neighbour.check();
  }
  // A streamed body without a length is refused once it passes the limit.
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > 1_000_000) return controller.close();
      sent += 4096;
      controller.enqueue(new TextEncoder().encode("x".repeat(4096)));
    },
  });
  const streamed = await readJson(
    await fetch(`${server.url}/step`, { method: "POST", body: stream }),
  );
  assert.equal(streamed.status, 413);
  assert.match((streamed.body as { detail: string }).detail, /larger than the 1024-byte limit/);
  const ok = await post(server.url, "/step", {
    action: { command: "echo", text: "y".repeat(900) },
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  await neighbour.check();
});

Deno.test("a client flooding messages behind a running step is cut off; a neighbour is not", async () => {
  const app = scriptedApp();
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  await using flood = await openRawSocket(server.wsUrl);
  await frame(flood, { type: "state" });
  const env = instances.at(-1)!;
  flood.send({ type: "step", data: { command: "hang" } });
  await eventually(() => env.steps === 1, "the step is running");
  for (let i = 0; i < 1100; i++) flood.send('{"type":"state"}');
  const reply = await flood.next() as Frame;
  assert.equal(reply.type, "error");
  assert.equal(reply.data.code, "SESSION_ERROR");
  assert.match(
    reply.data.message as string,
    /^Too many messages waiting for a reply \(1025 messages/,
  );
  // The server closes with 1000, but frames still in flight from the flooding
  // client can cut the close handshake short, so only the closing is checked.
  await flood.closed;
  await eventually(() => env.aborted && env.closed === 1, "the flooding session's env is closed");
  await eventually(() => app.sessions.size === 1, "only the neighbour is left");
  await neighbour.check();
});

Deno.test("a throwing reset, state or step is EXECUTION_ERROR and the session lives on", async () => {
  // The neighbour runs on a well-behaved server beside this one; both live in one process.
  await using good = startTestServer(scriptedApp());
  const neighbour = await healthyNeighbour(good.wsUrl);
  await using _n = neighbour.ws;
  await using server = startTestServer(
    scriptedApp({ script: { throwOnReset: true, throwOnState: true } }),
  );
  await using ws = await openRawSocket(server.wsUrl);
  assert.equal(
    (await expectError(ws, { type: "reset", data: {} }, "EXECUTION_ERROR")).message,
    "reset failed on purpose",
  );
  assert.equal(
    (await expectError(ws, { type: "state" }, "EXECUTION_ERROR")).message,
    "state failed on purpose",
  );
  assert.equal(
    (await expectError(
      ws,
      { type: "step", data: { command: "throw", text: "t" } },
      "EXECUTION_ERROR",
    )).message,
    "step failed: t",
  );
  const ok = await frame(ws, { type: "step", data: { command: "echo", text: "after" } });
  assert.equal(ok.type, "observation");
  // Over HTTP the same failures are plain-text 500s, and the server carries on.
  for (const res of [await post(server.url, "/reset", {}), await fetch(`${server.url}/state`)]) {
    assert.equal(res.status, 500);
    assert.equal(await res.text(), "Internal Server Error");
  }
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  await neighbour.check();
});

Deno.test("a throwing close() ends the session cleanly and frees its slot", async () => {
  const app = scriptedApp({ maxConcurrentEnvs: 1, script: { throwOnClose: true } });
  await using server = startTestServer(app);
  const original = console.error;
  console.error = () => {};
  try {
    for (let i = 0; i < 3; i++) {
      await using ws = await openRawSocket(server.wsUrl);
      assert.equal((await frame(ws, { type: "state" })).type, "state");
      ws.send({ type: "close" });
      assert.equal(await ws.closed, 1000);
      await eventually(() => app.sessions.size === 0, "the slot is freed");
    }
    // HTTP requests use throwaway envs whose close() throws: still a 200.
    const res = await post(server.url, "/step", { action: { command: "echo" } });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    console.error = original;
  }
});

Deno.test("a throwing factory gives FACTORY_ERROR, leaks no slot, and other sessions live on", async () => {
  let fail = false;
  const app = createApp(function flakyFactory() {
    if (fail) throw new Error("out of GPUs");
    return new ScriptedEnv();
  }, { action: ScriptedAction, maxConcurrentEnvs: 2, onError: () => {} });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  fail = true;
  for (let i = 0; i < 3; i++) {
    await using ws = await openRawSocket(server.wsUrl);
    assert.deepEqual(await ws.next(), {
      type: "error",
      data: {
        message: "Environment factory 'flakyFactory' failed to create instance.",
        code: "FACTORY_ERROR",
        factory_name: "flakyFactory",
      },
    });
    assert.equal(await ws.closed, 1000);
    await neighbour.check();
  }
  assert.equal(app.sessions.size, 1, "only the healthy session holds a slot");
  fail = false;
  await using again = await openRawSocket(server.wsUrl);
  assert.equal((await frame(again, { type: "state" })).type, "state");
});

Deno.test("a factory that hangs: FACTORY_ERROR after factoryTimeoutS, slot freed, neighbour fine", async () => {
  let hang = false;
  const app = createApp(function hangingFactory() {
    return hang ? new Promise<ScriptedEnv>(() => {}) : new ScriptedEnv();
  }, { action: ScriptedAction, maxConcurrentEnvs: 2, factoryTimeoutS: 0.1, onError: () => {} });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  hang = true;
  for (let i = 0; i < 3; i++) {
    await using ws = await openRawSocket(server.wsUrl);
    const reply = await ws.next() as Frame;
    assert.equal(reply.data.code, "FACTORY_ERROR");
    assert.equal(reply.data.factory_name, "hangingFactory");
    await neighbour.check();
  }
  // A stateless HTTP request is not held forever either.
  const res = await post(server.url, "/step", { action: { command: "echo" } });
  assert.equal(res.status, 500);
  await res.body?.cancel();
  assert.equal(app.sessions.capacity.activeSessions, 1, "only the neighbour holds a slot");
  await neighbour.check();
});

Deno.test("a hanging step hits stepTimeoutS: EXECUTION_ERROR, close 1000, env aborted and closed", async () => {
  const app = scriptedApp({ stepTimeoutS: 0.2, maxConcurrentEnvs: 2 });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "reset", data: {} });
  const env = instances.at(-1)!;
  const data = await expectError(
    ws,
    { type: "step", data: { command: "hang" } },
    "EXECUTION_ERROR",
  );
  assert.match(
    data.message as string,
    /step\(\) did not finish within 0\.2s; the session is closed/,
  );
  assert.equal(await ws.closed, 1000);
  await eventually(() => env.aborted && env.closed === 1, "the hung env is aborted and closed");
  await neighbour.check();
  // The freed slot is usable at once even with a limit of two.
  await using next = await openRawSocket(server.wsUrl);
  assert.equal((await frame(next, { type: "state" })).type, "state");
});

Deno.test("a hanging reset over HTTP hits stepTimeoutS: 500, and the server carries on", async () => {
  await using server = startTestServer(
    scriptedApp({ stepTimeoutS: 0.2, script: { hangOnReset: true } }),
  );
  // A /ws session beside it (its reset would hang too: same script), stepping throughout.
  await using beside = await openRawSocket(server.wsUrl);
  const besideStep = async () => {
    const reply = await frame(beside, { type: "step", data: { command: "echo", text: "b" } });
    assert.equal(reply.type, "observation");
  };
  await besideStep();
  const res = await post(server.url, "/reset", {});
  assert.equal(res.status, 500);
  assert.equal(await res.text(), "Internal Server Error");
  const step = await readJson(
    await post(server.url, "/step", { action: { command: "echo", text: "ok" } }),
  );
  assert.equal(step.status, 200);
  await besideStep();
});

Deno.test("a client that disconnects mid-step: the session ends, the env is aborted and closed", async () => {
  const app = scriptedApp();
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "state" });
  const env = instances.at(-1)!;
  ws.send({ type: "step", data: { command: "hang" } });
  await eventually(() => env.steps === 1, "the step started");
  await ws.close();
  await eventually(() => env.aborted && env.closed === 1, "the env is aborted and closed");
  await eventually(() => app.sessions.size === 1, "only the neighbour is left");
  // A slow step whose client leaves: the reply is dropped, nothing breaks.
  const ws2 = await openRawSocket(server.wsUrl);
  await frame(ws2, { type: "state" });
  const env2 = instances.at(-1)!;
  ws2.send({ type: "step", data: { command: "slow", ms: 100 } });
  await eventually(() => env2.steps === 1, "the slow step started");
  await ws2.close();
  await eventually(() => env2.closed === 1, "the slow env is closed");
  await neighbour.check();
});

Deno.test("capacity exhausted then freed: refused sockets do not count, a freed slot is reused", async () => {
  const app = scriptedApp({ maxConcurrentEnvs: 2 });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const second = await openRawSocket(server.wsUrl);
  await frame(second, { type: "state" });
  for (let i = 0; i < 3; i++) {
    await using refused = await openRawSocket(server.wsUrl);
    const reply = await frame(refused, { type: "state" });
    assert.equal(reply.data.code, "CAPACITY_REACHED");
    assert.equal(await refused.closed, 1000);
  }
  assert.equal(app.sessions.size, 2);
  second.send({ type: "close" });
  assert.equal(await second.closed, 1000);
  await eventually(() => app.sessions.size === 1, "the slot is freed");
  await using third = await openRawSocket(server.wsUrl);
  assert.equal((await frame(third, { type: "state" })).type, "state");
  await neighbour.check();
});

Deno.test("an idle session is reaped: SESSION_ERROR then close 1000; an active neighbour stays", async () => {
  const app = scriptedApp({ sessionTimeoutS: 0.3 });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  await using idle = await openRawSocket(server.wsUrl);
  await frame(idle, { type: "reset", data: {} });
  const env = instances.at(-1)!;
  // Keep the neighbour busy until the reaper (which wakes about every second) ends the idle one.
  const reaped = idle.next(15_000);
  let done = false;
  reaped.finally(() => (done = true)).catch(() => {});
  while (!done) {
    await neighbour.check();
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await reaped, {
    type: "error",
    data: { message: "Session closed after being idle too long", code: "SESSION_ERROR" },
  });
  assert.equal(await idle.closed, 1000);
  assert.equal(env.closed, 1);
  await neighbour.check();
  assert.equal(app.sessions.size, 1);
});

Deno.test("slow frames: a WebSocket frame trickled byte by byte does not block other sessions", async () => {
  await using server = startTestServer(scriptedApp());
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await conn.write(new TextEncoder().encode(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const reader = byteReader(conn);
    const head = await reader.until("\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 101/);
    const frameBytes = maskedTextFrame('{"type":"step","data":{"command":"echo","text":"slow"}}');
    for (let i = 0; i < frameBytes.length; i++) {
      await conn.write(frameBytes.subarray(i, i + 1));
      if (i % 8 === 0) await neighbour.check(); // others are served while this frame crawls in
    }
    const reply = JSON.parse(await reader.textFrame());
    assert.equal(reply.type, "observation");
    assert.equal(reply.data.observation.text, "slow");
  } finally {
    conn.close();
  }
  await neighbour.check();
});

Deno.test("slow HTTP bodies: a /step body trickled in does not block other sessions", async () => {
  await using server = startTestServer(scriptedApp());
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const body = new TextEncoder().encode('{"action":{"command":"echo","text":"trickle"}}');
    await conn.write(new TextEncoder().encode(
      `POST /step HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    ));
    for (let i = 0; i < body.length; i += 4) {
      await conn.write(body.subarray(i, i + 4));
      await neighbour.check();
    }
    const response = await byteReader(conn).rest();
    assert.match(response, /^HTTP\/1\.1 200/);
    assert.match(response, /"text":"trickle"/);
  } finally {
    conn.close();
  }
});

Deno.test("keepalive: pings are answered while a step is still running", async () => {
  await using server = startTestServer(scriptedApp());
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await conn.write(new TextEncoder().encode(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const reader = byteReader(conn);
    assert.match(await reader.until("\r\n\r\n"), /^HTTP\/1\.1 101/);
    await conn.write(maskedTextFrame('{"type":"step","data":{"command":"slow","ms":300}}'));
    await conn.write(maskedTextFrame("are you there", 0x9)); // ping
    const first = await reader.frame();
    assert.deepEqual(first, { opcode: 0xa, text: "are you there" }, "the pong comes first");
    const second = await reader.frame();
    assert.equal(second.opcode, 0x1);
    assert.equal(JSON.parse(second.text).type, "observation");
  } finally {
    conn.close();
  }
});

Deno.test("keepalive: a client that never answers pings is dropped and its session ends", async () => {
  const app = scriptedApp({ pingIntervalS: 1 });
  await using server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  await using _n = neighbour.ws;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await conn.write(new TextEncoder().encode(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const reader = byteReader(conn);
    assert.match(await reader.until("\r\n\r\n"), /^HTTP\/1\.1 101/);
    await conn.write(maskedTextFrame('{"type":"state"}'));
    assert.equal(JSON.parse(await reader.textFrame()).type, "state");
    await eventually(() => app.sessions.size === 2, "both sessions are open");
    // Read frames (pings) but never answer them, while the neighbour keeps talking.
    const opcodes: number[] = [];
    const reading = (async () => {
      try {
        for (;;) opcodes.push((await reader.frame()).opcode);
      } catch { /* the server closed the connection */ }
    })();
    while (app.sessions.size === 2) {
      await neighbour.check();
      await new Promise((r) => setTimeout(r, 100));
    }
    await reading;
    assert.ok(opcodes.includes(0x9), `the server pinged (${opcodes})`);
    await neighbour.check();
  } finally {
    conn.close();
  }
});

Deno.test("graceful shutdown: sessions get SESSION_ERROR and 1000, then new connections are refused", async () => {
  const app = scriptedApp();
  const server = serve(app, { port: 0, hostname: "127.0.0.1", onListen: () => {} });
  const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
  const a = await openRawSocket(wsUrl);
  const b = await openRawSocket(`ws://127.0.0.1:${server.port}/mcp`);
  await frame(a, { type: "reset", data: {} });
  await b.request({ jsonrpc: "2.0", method: "tools/list", id: 1 });
  const env = instances.at(-1)!;
  await server.shutdown();
  assert.deepEqual(await a.next(), {
    type: "error",
    data: { message: "Server is shutting down", code: "SESSION_ERROR" },
  });
  assert.equal(await a.closed, 1000);
  assert.deepEqual(await b.next(), {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32000, message: "Server is shutting down", data: null },
  });
  assert.equal(await b.closed, 1000);
  assert.ok(env.closed >= 1);
  assert.equal(app.sessions.size, 0);
  await server.finished;
  await assert.rejects(fetch(`http://127.0.0.1:${server.port}/health`));
  await assert.rejects(openRawSocket(wsUrl));
  // Shutting down twice is harmless.
  await server.shutdown();
});

Deno.test("SIGTERM: the echo server ends its sessions cleanly and exits 0", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "envs/echo/server.ts"],
    cwd: ROOT,
    env: { PORT: "0" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/listening on (http:\S+)/.test(out)) {
      const { value, done } = await lines.read();
      if (done) assert.fail(`the server did not start: ${out}`);
      out += value;
    }
    const url = out.match(/listening on (http:\S+)/)![1];
    await using ws = await openRawSocket(`${url.replace("http", "ws")}/ws`);
    assert.equal((await frame(ws, { type: "reset", data: {} })).type, "observation");
    child.kill("SIGTERM");
    const reply = await ws.next(10_000) as Frame;
    assert.deepEqual(reply, {
      type: "error",
      data: { message: "Server is shutting down", code: "SESSION_ERROR" },
    });
    assert.equal(await ws.closed, 1000);
    const status = await child.status;
    assert.equal(status.code, 0, "a graceful exit");
    lines.releaseLock();
    await child.stdout.cancel().catch(() => {});
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.stderr.cancel().catch(() => {});
  }
});

Deno.test("`deno serve` runs envs/echo/app.ts as is", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "envs/echo/app.ts",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    const pattern = /Listening on (http:\/\/[\d.]+:\d+)/;
    const readFrom = async (r: ReadableStreamDefaultReader<string>) => {
      while (!pattern.test(out)) {
        const { value, done } = await r.read();
        if (done) return;
        out += value;
      }
    };
    await Promise.race([readFrom(reader), readFrom(stdout)]);
    const match = out.match(pattern);
    assert.ok(match, `deno serve did not report its address: ${out}`);
    const health = await fetch(`${match[1]}/health`);
    assert.equal(await health.text(), '{"status":"healthy"}');
    await using ws = await openRawSocket(`${match[1].replace("http", "ws")}/ws`);
    const reset = await frame(ws, { type: "reset", data: {} });
    assert.equal(reset.type, "observation");
    reader.releaseLock();
    stdout.releaseLock();
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
});

// ------------------------------------------------------------ raw socket bits

function maskedTextFrame(text: string, opcode = 0x1): Uint8Array {
  const payload = new TextEncoder().encode(text);
  assert.ok(payload.length < 126);
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(2 + 4 + payload.length);
  out[0] = 0x80 | opcode; // FIN + opcode
  out[1] = 0x80 | payload.length; // masked
  out.set(mask, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i] ^ mask[i % 4];
  return out;
}

function byteReader(conn: Deno.Conn) {
  let buffered = new Uint8Array(0);
  const more = async (): Promise<boolean> => {
    const chunk = new Uint8Array(4096);
    const n = await conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(buffered.length + n);
    next.set(buffered);
    next.set(chunk.subarray(0, n), buffered.length);
    buffered = next;
    return true;
  };
  const take = (n: number): Uint8Array => {
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
  return {
    async until(marker: string): Promise<string> {
      for (;;) {
        const text = new TextDecoder().decode(buffered);
        const at = text.indexOf(marker);
        if (at >= 0) {
          return new TextDecoder().decode(
            take(new TextEncoder().encode(text.slice(0, at + marker.length)).length),
          );
        }
        if (!(await more())) throw new Error("connection closed early");
      }
    },
    async textFrame(): Promise<string> {
      return (await this.frame()).text;
    },
    async frame(): Promise<{ opcode: number; text: string }> {
      while (buffered.length < 2) if (!(await more())) throw new Error("closed");
      const opcode = buffered[0] & 0x0f;
      let len = buffered[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        while (buffered.length < 4) if (!(await more())) throw new Error("closed");
        len = (buffered[2] << 8) | buffered[3];
        offset = 4;
      }
      while (buffered.length < offset + len) if (!(await more())) throw new Error("closed");
      take(offset);
      return { opcode, text: new TextDecoder().decode(take(len)) };
    },
    async rest(): Promise<string> {
      while (await more()) { /* read to the end */ }
      return new TextDecoder().decode(buffered);
    },
  };
}

Deno.test("shutdown while a session is still being built leaves nothing behind", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let built = 0;
  let closed = 0;
  const app = createApp(async function slowFactory() {
    await gate;
    built++;
    const env = new ScriptedEnv();
    const close = env.close.bind(env);
    env.close = () => {
      closed++;
      close();
    };
    return env;
  }, { action: ScriptedAction, onError: () => {} });
  const server = startTestServer(app);
  const ws = await openRawSocket(server.wsUrl);
  const closing = server.close();
  release();
  await closing;
  assert.equal(await ws.closed, 1000);
  assert.equal(built, 1);
  assert.equal(closed, 1, "the env built during shutdown was closed");
  assert.equal(app.sessions.size, 0);
});

Deno.test("an environment whose close() hangs holds up neither responses nor shutdown", async () => {
  const stuck: string[] = [];
  const app = createApp(function stuckFactory() {
    const env = new ScriptedEnv();
    env.close = () => new Promise<void>(() => {}); // never finishes
    return env;
  }, {
    action: ScriptedAction,
    closeTimeoutS: 0.1,
    onError: (error, where) => stuck.push(`${where}: ${(error as Error).message}`),
  });
  const server = startTestServer(app);
  const neighbour = await healthyNeighbour(server.wsUrl);
  // Stateless HTTP: each request's env is closed (or given up on) before the reply.
  const res = await post(server.url, "/step", { action: { command: "echo", text: "x" } });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  assert.ok(stuck.some((s) => s.startsWith("POST /step close(): close() did not finish")));
  // A session whose env cannot close still ends, and frees its slot.
  await using ws = await openRawSocket(server.wsUrl);
  await frame(ws, { type: "state" });
  ws.send({ type: "close" });
  assert.equal(await ws.closed, 1000);
  await eventually(() => app.sessions.size === 1, "the slot is freed");
  await neighbour.check();
  const original = console.error;
  console.error = () => {};
  try {
    await server.close(); // the neighbour's env cannot close either: shutdown still finishes
  } finally {
    console.error = original;
  }
  assert.equal(await neighbour.ws.closed, 1000);
});

Deno.test("errors thrown outside any request (timers, rejections, abort listeners) do not end the server", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "tests/testdata/stray_errors_server.ts",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  let errors = "";
  const collecting = (async () => {
    for await (const chunk of stderr) errors += chunk;
  })();
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/listening on (http:\S+)/.test(out)) {
      const { value, done } = await lines.read();
      if (done) assert.fail(`the server did not start: ${out} ${errors}`);
      out += value;
    }
    lines.releaseLock();
    const url = out.match(/listening on (http:\S+)/)![1];
    const wsUrl = `${url.replace("http", "ws")}/ws`;
    const neighbour = await healthyNeighbour(wsUrl);
    await using _n = neighbour.ws;
    const victim = await openRawSocket(wsUrl);
    const reply = await frame(victim, { type: "step", data: { command: "echo", text: "stray" } });
    assert.equal(reply.type, "observation");
    await victim.close(); // ends the session: its abort listener throws
    await eventually(
      () =>
        ["stray timer", "stray rejection", "stray abort listener"].every((m) => errors.includes(m)),
      `all three stray errors are logged (stderr so far: ${errors})`,
    );
    assert.match(errors, /the server keeps running/);
    await neighbour.check();
    assert.equal(await (await fetch(`${url}/health`)).text(), '{"status":"healthy"}');
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await collecting.catch(() => {});
  }
});
