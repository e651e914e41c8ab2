import assert from "node:assert/strict";
import { ActionSchema, Environment, type Observation, type State } from "../mod.ts";
import { createApp } from "../server/mod.ts";
import { openRawSocket, startTestServer } from "./mod.ts";

class Quiet extends Environment {
  reset(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: null, metadata: {} };
  }
  get state(): State {
    return { episode_id: null, step_count: 0 };
  }
}

Deno.test("startTestServer() serves on a free loopback port and closes cleanly", async () => {
  const app = createApp(() => new Quiet(), { action: ActionSchema });
  const server = startTestServer(app);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.wsUrl, `ws://127.0.0.1:${server.port}/ws`);
  assert.equal(server.mcpUrl, `ws://127.0.0.1:${server.port}/mcp`);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  await server.close();
  await server.close(); // idempotent
  await assert.rejects(fetch(`${server.url}/health`));
});

Deno.test("openRawSocket(): request/next, timeouts, raw text and close codes", async () => {
  await using server = startTestServer(createApp(() => new Quiet(), { action: ActionSchema }));
  await using ws = await openRawSocket(server.wsUrl);
  assert.deepEqual(await ws.request({ type: "state" }), {
    type: "state",
    data: { episode_id: null, step_count: 0 },
  });
  await assert.rejects(ws.next(50), /no message within 50 ms/);
  // A reply queued before anyone waits is kept for the next call.
  ws.send({ type: "state" });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(((await ws.next()) as { type: string }).type, "state");
  ws.send({ type: "close" });
  assert.equal(await ws.closed, 1000);
  await assert.rejects(ws.next(), /socket closed with 1000/);
  await assert.rejects(openRawSocket("ws://127.0.0.1:1/ws"), /cannot connect/);
});
