import assert from "node:assert/strict";
import { createEchoApp } from "@openenv/echo";
import { openRawSocket, startTestServer } from "../testing/mod.ts";

const post = (path: string, body?: string, headers?: HeadersInit) =>
  new Request(`http://x${path}`, { method: "POST", body, headers });

Deno.test("createApp() answers /health, /reset and /step like the reference", async () => {
  await using app = createEchoApp();
  const health = await app.fetch(new Request("http://x/health"));
  assert.deepEqual(await health.text(), '{"status":"healthy"}');

  const reset = await app.fetch(post("/reset"));
  assert.deepEqual(reset.status, 200);
  assert.deepEqual(
    await reset.text(),
    '{"observation":{"echoed_message":"Echo environment ready!","message_length":0},"reward":0.0,"done":false}',
  );

  const step = await app.fetch(post("/step", '{"action":{"message":"hi"}}'));
  const body = await step.json();
  assert.deepEqual(body.observation.echoed_message, "hi");
  assert.deepEqual(body.reward, 0.2);
});

Deno.test("createApp() answers a wrong method with 405 and an unknown path with 404", async () => {
  await using app = createEchoApp();
  const wrong = await app.fetch(new Request("http://x/reset"));
  assert.deepEqual(wrong.status, 405);
  assert.deepEqual(await wrong.json(), { detail: "Method Not Allowed" });
  const missing = await app.fetch(new Request("http://x/nope"));
  assert.deepEqual(missing.status, 404);
  assert.deepEqual(await missing.json(), { detail: "Not Found" });
});

Deno.test("/ws keeps one episode per connection", async () => {
  await using server = startTestServer(createEchoApp());
  await using ws = await openRawSocket(server.wsUrl);
  const reset = await ws.request({ type: "reset", data: { episode_id: "abc" } }) as {
    type: string;
  };
  assert.deepEqual(reset.type, "observation");
  await ws.request({ type: "step", data: { message: "one" } });
  const state = await ws.request({ type: "state" });
  assert.deepEqual(state, { type: "state", data: { episode_id: "abc", step_count: 1 } });
  ws.send({ type: "close" });
  assert.deepEqual(await ws.closed, 1000);
});
