import assert from "node:assert/strict";
import { ActionSchema, Environment, type Observation, type State } from "../mod.ts";
import { createApp } from "./create_app.ts";
import { serve } from "./serve.ts";

class Plain extends Environment {
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

const app = () => createApp(() => new Plain(), { action: ActionSchema });

Deno.test("serve() reports its address and stops with `await using`", async () => {
  let seen: { hostname: string; port: number; url: string } | undefined;
  let url: string;
  {
    await using server = serve(app(), {
      port: 0,
      hostname: "127.0.0.1",
      onListen: (a) => (seen = a),
    });
    url = server.url;
    assert.deepEqual(seen, { hostname: "127.0.0.1", port: server.port, url: server.url });
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    assert.equal(await (await fetch(`${url}/health`)).text(), '{"status":"healthy"}');
  }
  await assert.rejects(fetch(`${url}/health`));
});

Deno.test("serve() stops when its signal aborts", async () => {
  const controller = new AbortController();
  const server = serve(app(), {
    port: 0,
    hostname: "127.0.0.1",
    signal: controller.signal,
    onListen: () => {},
  });
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  controller.abort();
  await server.finished;
  await assert.rejects(fetch(`${server.url}/health`));
});

Deno.test("serve() shows 0.0.0.0 as 127.0.0.1 and brackets IPv6 hosts", async () => {
  await using any = serve(app(), { port: 0, onListen: () => {} });
  assert.match(any.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetch(`${any.url}/health`)).status, 200);
  await using v6 = serve(app(), { port: 0, hostname: "::1", onListen: () => {} });
  assert.match(v6.url, /^http:\/\/\[::1\]:\d+$/);
  assert.equal((await fetch(`${v6.url}/health`)).status, 200);
});
