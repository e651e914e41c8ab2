import assert from "node:assert/strict";
import {
  type Action,
  ActionSchema,
  Environment,
  type Observation,
  type State,
} from "@openenv/core";
import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import { z } from "zod";
import { createApp, type CreateAppOptions } from "../create_app.ts";
import { openRawSocket, startTestServer } from "../../testing/mod.ts";
import { MAX_ACTION_LOGS } from "./mod.ts";

const echo = (extra: Partial<CreateAppOptions> = {}) =>
  createApp(() => new EchoEnvironment(), {
    name: "echo_env",
    action: EchoAction,
    observation: EchoObservation,
    webInterface: true,
    ...extra,
  });

const get = (path: string) => new Request(`http://x${path}`);
const post = (path: string, body?: string) =>
  new Request(`http://x${path}`, { method: "POST", body });

Deno.test("web interface: off by default, so / and /web are 404 as in the reference", async () => {
  await using app = echo({ webInterface: false });
  for (const path of ["/", "/web", "/web/", "/web/metadata", "/web/app.js"]) {
    const res = await app.fetch(get(path));
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});

Deno.test("web interface: / and /web redirect with 307; the page and its assets are self-contained", async () => {
  await using app = echo();
  for (const path of ["/", "/web"]) {
    const res = await app.fetch(get(path));
    assert.equal(res.status, 307);
    assert.equal(res.headers.get("location"), "/web/");
  }
  const page = await app.fetch(get("/web/"));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  const html = await page.text();
  assert.match(html, /<title>OpenEnv: echo_env<\/title>/);
  assert.match(html, /"customView":false/);
  // Nothing is loaded from another host.
  assert.deepEqual(html.match(/(src|href)="(https?:)?\/\/[^"]*"/g), null);
  for (
    const [path, type] of [
      ["/web/app.js", "text/javascript; charset=utf-8"],
      ["/web/form.js", "text/javascript; charset=utf-8"],
      ["/web/style.css", "text/css; charset=utf-8"],
    ]
  ) {
    const res = await app.fetch(get(path));
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), type);
    assert.ok((await res.text()).length > 1000);
  }
  const noView = await app.fetch(get("/web/view.js"));
  assert.equal(noView.status, 404);
  await noView.body?.cancel();
  const wrong = await app.fetch(post("/web/"));
  assert.equal(wrong.status, 405);
  await wrong.body?.cancel();
});

Deno.test("web interface: a custom view is served at /web/view.js and announced to the page", async () => {
  const script = "export function render(o, c) { c.textContent = JSON.stringify(o); }";
  await using app = echo({ webView: { script } });
  const res = await app.fetch(get("/web/view.js"));
  assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(await res.text(), script);
  assert.match(await (await app.fetch(get("/web/"))).text(), /"customView":true/);
});

Deno.test("web interface: the page shows an escaped name and the README", async () => {
  await using app = echo({ name: "<b>evil</b>", readme: "# Title\n\nText with <i>tags</i>." });
  const html = await (await app.fetch(get("/web/"))).text();
  assert.match(html, /<title>OpenEnv: &lt;b&gt;evil&lt;\/b&gt;<\/title>/);
  assert.match(html, /<h3>Title<\/h3>\n<p>Text with &lt;i&gt;tags&lt;\/i&gt;\.<\/p>/);
  // The configuration block cannot end its <script> element early.
  assert.match(html, /"name":"\\u003cb>evil\\u003c\/b>"/);
});

Deno.test("web interface: /web/metadata answers like /metadata", async () => {
  await using app = echo({ readme: "Hello" });
  const web = await (await app.fetch(get("/web/metadata"))).json();
  const plain = await (await app.fetch(get("/metadata"))).json();
  assert.deepEqual(web, plain);
  assert.equal(web.readme_content, "Hello");
});

Deno.test("web interface: /web/reset, /web/step and /web/state drive one shared episode", async () => {
  await using app = echo();
  // No body works; unknown keys are dropped, as the reference does.
  const reset = await app.fetch(post("/web/reset"));
  assert.equal(reset.status, 200);
  assert.deepEqual(await reset.json(), {
    observation: { echoed_message: "Echo environment ready!", message_length: 0 },
    reward: 0,
    done: false,
  });
  const withExtras = await app.fetch(post("/web/reset", '{"episode_id":"shared-1","nope":1}'));
  assert.equal(withExtras.status, 200);
  await withExtras.body?.cancel();

  const step = await app.fetch(post("/web/step", '{"action":{"message":"hi"}}'));
  assert.equal(step.status, 200);
  assert.equal(
    await step.text(),
    '{"observation":{"echoed_message":"hi","message_length":2,"metadata":{"original_message":"hi","step":1}},"reward":0.2,"done":false}',
  );
  // The chat form of the reference: {"message": ...} becomes the action.
  const chat = await app.fetch(post("/web/step", '{"message":"hey"}'));
  assert.equal((await chat.json()).observation.echoed_message, "hey");

  // Unlike GET /state (a fresh environment each time), the episode carries on.
  assert.deepEqual(await (await app.fetch(get("/web/state"))).json(), {
    episode_id: "shared-1",
    step_count: 2,
  });
});

Deno.test("web interface: bad input to the shared routes gets a 422 naming the problem", async () => {
  await using app = echo();
  const cases: [string, string, unknown[]][] = [
    ["/web/reset", '{"seed":-1}', ["body", "seed"]],
    ["/web/reset", "[1]", ["body"]],
    ["/web/reset", "{bad", ["body", 0]],
    ["/web/step", '{"action":{"mesage":"x"}}', ["body", "action", "message"]],
    ["/web/step", '{"action":"x"}', ["body", "action"]],
    ["/web/step", "", ["body"]],
  ];
  for (const [path, body, loc] of cases) {
    const res = await app.fetch(post(path, body));
    assert.equal(res.status, 422, `${path} ${body}`);
    const { detail } = await res.json();
    assert.deepEqual(detail[0].loc, loc, `${path} ${body}`);
  }
});

class NeedsReset extends Environment {
  #ready = false;
  closed = 0;
  reset(): Observation {
    this.#ready = true;
    return { done: false, reward: null, metadata: {} };
  }
  step(): Observation {
    return { done: false, reward: 1, metadata: {} };
  }
  get state(): State {
    if (!this.#ready) throw new Error("Call reset() first");
    return { episode_id: "e", step_count: 0 };
  }
  override close(): void {
    this.closed++;
  }
}

Deno.test("web interface: /web/state answers 409 when the environment refuses", async () => {
  const envs: NeedsReset[] = [];
  const app = createApp(() => {
    const env = new NeedsReset();
    envs.push(env);
    return env;
  }, { action: ActionSchema, webInterface: true });
  const early = await app.fetch(get("/web/state"));
  assert.equal(early.status, 409);
  assert.deepEqual(await early.json(), { detail: "Call reset() first" });
  await (await app.fetch(post("/web/reset"))).body?.cancel();
  assert.equal((await app.fetch(get("/web/state"))).status, 200);
  // One shared environment, closed with the server.
  assert.equal(envs.length, 1);
  await app.close();
  assert.equal(envs[0].closed, 1);
});

Deno.test("web interface: /ws/ui pushes the shared episode to every listener", async () => {
  await using server = startTestServer(echo());
  const wsUi = `${server.wsUrl}/ui`;
  await using a = await openRawSocket(wsUi);
  await using b = await openRawSocket(wsUi);
  type Update = {
    type: string;
    episode_state: {
      episode_id: string | null;
      step_count: number;
      current_observation: unknown;
      action_logs: Record<string, unknown>[];
      is_reset: boolean;
    };
  };
  const first = await a.next() as Update;
  assert.deepEqual(first, {
    type: "state_update",
    episode_state: {
      episode_id: null,
      step_count: 0,
      current_observation: null,
      action_logs: [],
      is_reset: true,
    },
  });
  await b.next();
  a.send("keepalive"); // read and ignored

  await (await fetch(`${server.url}/web/reset`, { method: "POST", body: '{"episode_id":"ui"}' }))
    .body?.cancel();
  for (const socket of [a, b]) {
    const update = await socket.next() as Update;
    assert.equal(update.episode_state.episode_id, "ui");
    assert.equal(update.episode_state.is_reset, true);
    assert.deepEqual(update.episode_state.action_logs, []);
  }
  await (await fetch(`${server.url}/web/step`, {
    method: "POST",
    body: '{"action":{"message":"abc","metadata":{"k":1}}}',
  })).body?.cancel();
  const update = await a.next() as Update;
  assert.equal(update.episode_state.step_count, 1);
  assert.equal(update.episode_state.is_reset, false);
  const [log] = update.episode_state.action_logs;
  assert.deepEqual(
    { ...log, timestamp: undefined },
    {
      timestamp: undefined,
      action: { message: "abc" },
      observation: {
        echoed_message: "abc",
        message_length: 3,
        metadata: { original_message: "abc", step: 1 },
      },
      reward: 0.30000000000000004,
      done: false,
      step_count: 1,
    },
  );
  assert.ok(!Number.isNaN(Date.parse(log.timestamp as string)));
  await b.next();

  // Plain GET without an upgrade is refused clearly.
  const plain = await fetch(wsUi.replace("ws:", "http:"));
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
});

Deno.test("web interface: the action log keeps the last 1000 steps", async () => {
  await using app = echo();
  await (await app.fetch(post("/web/reset"))).body?.cancel();
  for (let i = 0; i < MAX_ACTION_LOGS + 5; i++) {
    await (await app.fetch(post("/web/step", `{"action":{"message":"${i}"}}`))).body?.cancel();
  }
  await using server = startTestServer(app);
  await using ui = await openRawSocket(`${server.wsUrl}/ui`);
  const { episode_state } = await ui.next() as {
    episode_state: { step_count: number; action_logs: { action: { message: string } }[] };
  };
  assert.equal(episode_state.step_count, MAX_ACTION_LOGS + 5);
  assert.equal(episode_state.action_logs.length, MAX_ACTION_LOGS);
  assert.equal(episode_state.action_logs[0].action.message, "5");
});

Deno.test("web interface: the shared environment is not a /ws session and does not use capacity", async () => {
  await using server = startTestServer(echo({ maxConcurrentEnvs: 1 }));
  await using ws = await openRawSocket(server.wsUrl);
  const reply = await ws.request({ type: "reset", data: {} }) as { type: string };
  assert.equal(reply.type, "observation");
  const res = await fetch(`${server.url}/web/step`, {
    method: "POST",
    body: '{"action":{"message":"x"}}',
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
});

Deno.test("web interface: production mode keeps the page but drops the shared control routes", async () => {
  await using app = echo({ mode: "production" });
  assert.equal((await app.fetch(get("/web/"))).status, 200);
  assert.equal((await app.fetch(get("/web/metadata"))).status, 200);
  for (const req of [post("/web/reset"), post("/web/step", "{}"), get("/web/state")]) {
    const res = await app.fetch(req);
    assert.equal(res.status, 404, req.url);
    await res.body?.cancel();
  }
});

Deno.test("web interface: messageToAction() of the environment turns a chat message into an action", async () => {
  const Tokens = ActionSchema.extend({ tokens: z.array(z.number().int()) });
  class Chat extends Environment {
    #last: unknown = null;
    messageToAction(message: string) {
      return { tokens: [...message].map((ch) => ch.charCodeAt(0)), metadata: {} };
    }
    reset(): Observation {
      return { done: false, reward: null, metadata: {} };
    }
    step(action: Action & { tokens: number[] }): Observation {
      this.#last = action.tokens;
      return { done: false, reward: null, metadata: {}, tokens: this.#last } as Observation;
    }
    get state(): State {
      return { episode_id: null, step_count: 0 };
    }
  }
  await using app = createApp(() => new Chat(), { action: Tokens, webInterface: true });
  const res = await app.fetch(post("/web/step", '{"message":"hi"}'));
  assert.deepEqual((await res.json()).observation, { tokens: [104, 105] });
});

Deno.test("web interface: the shared routes refuse bodies over the size limit with 413", async () => {
  await using app = echo({ maxMessageBytes: 64 });
  const big = JSON.stringify({ action: { message: "x".repeat(100) } });
  for (const path of ["/web/step", "/web/reset"]) {
    const res = await app.fetch(post(path, big));
    assert.equal(res.status, 413, path);
    assert.match((await res.json()).detail, /larger than the 64-byte limit/);
  }
  // The shared episode did not move.
  const ok = await app.fetch(post("/web/step", '{"action":{"message":"ok"}}'));
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("web interface: a shared environment whose close() throws does not stop the server's close", async () => {
  class BadClose extends NeedsReset {
    override close(): void {
      throw new Error("close failed");
    }
  }
  const reported: string[] = [];
  const app = createApp(() => new BadClose(), {
    action: ActionSchema,
    webInterface: true,
    onError: (error, where) => reported.push(`${where}: ${(error as Error).message}`),
  });
  await (await app.fetch(post("/web/reset"))).body?.cancel();
  await app.close();
  assert.ok(reported.includes("web interface close(): close failed"), reported.join("\n"));
});
