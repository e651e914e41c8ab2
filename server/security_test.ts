import assert from "node:assert/strict";
import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import { withMcpEndpoint } from "../mcp/mod.ts";
import { startTestServer } from "../testing/mod.ts";
import { createApp, type CreateAppOptions } from "./create_app.ts";
import { createAccessGuard } from "./security.ts";

const TOKEN = "t0ken-for-tests";

function echo(extra: Partial<CreateAppOptions> = {}) {
  return createApp(() => new EchoEnvironment(), {
    action: EchoAction,
    observation: EchoObservation,
    ...extra,
  });
}

/** Opens a WebSocket; resolves "open" or the failure. */
function tryOpen(url: string, headers?: Record<string, string>): Promise<"open" | "refused"> {
  // Deno's WebSocket takes headers (not the browser API).
  const ws = new WebSocket(url, headers ? { headers } as unknown as string[] : undefined);
  return new Promise((resolve) => {
    ws.onopen = () => {
      ws.close();
      resolve("open");
    };
    ws.onerror = () => resolve("refused");
  });
}

Deno.test("security: without tokens every route stays open (the reference's behaviour)", () => {
  const guard = createAccessGuard({ authTokens: [] });
  assert.equal(guard(new Request("http://x/reset", { method: "POST" })), null);
  assert.equal(guard(new Request("http://x/state")), null);
});

Deno.test("security: a bearer token is required on every route but /health", async () => {
  await using app = echo({ security: { authTokens: [TOKEN, "second-token"] } });
  const health = await app.fetch(new Request("http://x/health"));
  assert.equal(health.status, 200);
  for (
    const [method, path] of [
      ["POST", "/reset"],
      ["POST", "/step"],
      ["GET", "/state"],
      ["GET", "/schema"],
      ["GET", "/metadata"],
      ["GET", "/openapi.json"],
      ["POST", "/mcp"],
      ["GET", "/nope"],
    ]
  ) {
    const res = await app.fetch(
      new Request(`http://x${path}`, { method, body: method === "POST" ? "{}" : undefined }),
    );
    assert.equal(res.status, 401, `${method} ${path}`);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="openenv"');
    assert.match((await res.json()).detail, /Not authenticated/);
  }
  const wrong = await app.fetch(
    new Request("http://x/state", { headers: { authorization: "Bearer nope" } }),
  );
  assert.equal(wrong.status, 401);
  for (const token of [TOKEN, "second-token"]) {
    const ok = await app.fetch(
      new Request("http://x/step", {
        method: "POST",
        body: '{"action":{"message":"hi"}}',
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).observation.echoed_message, "hi");
  }
});

Deno.test("security: WebSockets need the token too (header or access_token query)", async () => {
  await using server = startTestServer(echo({ security: { authTokens: [TOKEN] } }));
  assert.equal(await tryOpen(server.wsUrl), "refused");
  assert.equal(await tryOpen(`${server.wsUrl}?access_token=wrong`), "refused");
  assert.equal(await tryOpen(server.wsUrl, { authorization: `Bearer ${TOKEN}` }), "open");
  assert.equal(await tryOpen(`${server.wsUrl}?access_token=${TOKEN}`), "open");
  // A query token is accepted only for WebSocket upgrades, never for HTTP routes.
  const res = await fetch(`${server.url}/state?access_token=${TOKEN}`);
  assert.equal(res.status, 401);
  await res.body?.cancel();
});

Deno.test("security: the web interface trades ?token= for a SameSite cookie; cookie sockets are origin-checked", async () => {
  await using server = startTestServer(
    echo({ webInterface: true, security: { authTokens: [TOKEN] } }),
  );
  const page = await fetch(`${server.url}/web/`);
  assert.equal(page.status, 401);
  await page.body?.cancel();
  const entry = await fetch(`${server.url}/web/?token=${TOKEN}`, { redirect: "manual" });
  assert.equal(entry.status, 303);
  assert.equal(entry.headers.get("location"), "/web/");
  const cookie = entry.headers.get("set-cookie")!;
  assert.match(cookie, /^openenv_token=t0ken-for-tests; Path=\/; HttpOnly; SameSite=Strict$/);
  await entry.body?.cancel();
  const withCookie = await fetch(`${server.url}/web/`, {
    headers: { cookie: cookie.split(";")[0] },
  });
  assert.equal(withCookie.status, 200);
  await withCookie.body?.cancel();
  const own = `http://127.0.0.1:${server.port}`;
  const c = cookie.split(";")[0];
  assert.equal(await tryOpen(server.wsUrl, { cookie: c, origin: own }), "open");
  assert.equal(
    await tryOpen(server.wsUrl, { cookie: c, origin: "https://evil.example" }),
    "refused",
  );
});

Deno.test("security: the web UI socket /ws/ui refuses other origins even without tokens", async () => {
  await using server = startTestServer(echo({ webInterface: true }));
  const ui = `ws://127.0.0.1:${server.port}/ws/ui`;
  assert.equal(await tryOpen(ui, { origin: "https://evil.example" }), "refused");
  assert.equal(await tryOpen(ui, { origin: `http://127.0.0.1:${server.port}` }), "open");
  assert.equal(await tryOpen(ui), "open"); // not a browser: no Origin
  // The session socket stays open to any origin unless allowedOrigins says otherwise.
  assert.equal(await tryOpen(server.wsUrl, { origin: "https://other.example" }), "open");
});

Deno.test("security: allowedOrigins limits browser sockets to the listed origins", async () => {
  await using server = startTestServer(
    echo({ security: { allowedOrigins: ["https://app.example"] } }),
  );
  assert.equal(await tryOpen(server.wsUrl, { origin: "https://app.example" }), "open");
  assert.equal(await tryOpen(server.wsUrl, { origin: "https://evil.example" }), "refused");
  assert.equal(await tryOpen(server.wsUrl, { origin: `http://127.0.0.1:${server.port}` }), "open");
  assert.equal(await tryOpen(server.wsUrl), "open");
});

Deno.test("security: the standard MCP endpoint is behind the same token", async () => {
  await using app = withMcpEndpoint(echo({ security: { authTokens: [TOKEN] } }));
  const init = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    },
  };
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const refused = await app.fetch(
    new Request("http://x/mcp/stream", { method: "POST", headers, body: JSON.stringify(init) }),
  );
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
  const ok = await app.fetch(
    new Request("http://x/mcp/stream", {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(init),
    }),
  );
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});
