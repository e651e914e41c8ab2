// No Daytona account is reachable from CI: these tests run the provider
// against a local stand-in of Daytona's REST API (testdata/stand_in_api.ts)
// whose sandboxes run real processes.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { freePort } from "../_free_port.ts";
import type { ProviderError } from "../errors.ts";
import { fromProvider } from "../managed_client.ts";
import { DaytonaProvider } from "./daytona_provider.ts";
import { startDaytonaStandIn } from "./testdata/stand_in_api.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const KEY = "dtn_test_key";
// The "image" is this checkout: the sandbox runs the echo server from the host's module cache.
const cache = [
  `HOME=${Deno.env.get("HOME")}`,
  ...(Deno.env.get("DENO_DIR") ? [`DENO_DIR=${Deno.env.get("DENO_DIR")}`] : []),
].join(" ");
const echoCommand = `${cache} ${Deno.execPath()} run --cached-only --allow-net --allow-env ` +
  `--config ${root}deno.json ${root}envs/echo/server.ts`;

Deno.test("daytona provider: sandbox from an image, server launched by the toolbox, preview URL with token", async () => {
  await using api = startDaytonaStandIn(["ghcr.io/openenv/echo-env:1.0"], KEY);
  await using daytona = new DaytonaProvider({
    apiKey: KEY,
    apiUrl: api.apiUrl,
    labels: { team: "rl" },
  });
  const port = freePort();
  const env = await fromProvider(daytona, {
    image: "ghcr.io/openenv/echo-env:1.0",
    port,
    command: echoCommand,
    env: { MAX_CONCURRENT_ENVS: "2" },
  });
  const id = env.handle.id;
  try {
    const create = api.requests.find((r) => r.method === "POST" && r.path === "/api/sandbox")!;
    assert.deepEqual(create.body.buildInfo, {
      dockerfileContent: "FROM ghcr.io/openenv/echo-env:1.0\n",
      contextHashes: [],
    });
    assert.deepEqual(create.body.env, { MAX_CONCURRENT_ENVS: "2", PORT: String(port) });
    assert.deepEqual(create.body.labels, {
      team: "rl",
      "openenv.managed": "true",
      "openenv.session": daytona.sessionId,
    });
    assert.equal(create.body.public, false);
    assert.equal(create.body.autoStopInterval, 15);
    assert.ok(api.requests.every((r) => r.auth === `Bearer ${KEY}`));
    const exec = api.requests.find((r) => r.path.endsWith("/toolbox/process/execute"))!;
    assert.match(exec.body.command, /nohup sh -c .*envs\/echo\/server\.ts.*openenv-server\.log/);

    // Through the preview proxy, with the token, WebSocket included.
    assert.equal(env.handle.baseUrl, `${api.apiUrl.replace("/api", "")}/preview/${id}/${port}`);
    const token = api.sandboxes.get(id)!.object.authToken;
    assert.deepEqual(env.handle.headers, { "x-daytona-preview-token": token });
    await env.reset();
    const step = await env.step({ message: "sandbox" });
    assert.equal((step.observation as { message_length: number }).message_length, 7);
    assert.ok(api.previews.length > 0 && api.previews.every((p) => p.token === token));
    // Without the token the preview refuses.
    const anonymous = await fetch(`${env.handle.baseUrl}/health`);
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 401);
  } finally {
    await env.close();
  }
  assert.equal(api.sandboxes.size, 0, "the sandbox is deleted");
  const health = await fetch(`http://127.0.0.1:${port}/health`).then(() => "up", () => "down");
  assert.equal(health, "down", "the server process is gone with its sandbox");
});

Deno.test("daytona provider: a dying server and a failed build are clear errors, and nothing is left", async () => {
  await using api = startDaytonaStandIn(["img:ok"], KEY);
  await using daytona = new DaytonaProvider({ apiKey: KEY, apiUrl: api.apiUrl });
  const died = await daytona.start({
    image: "img:ok",
    port: freePort(),
    command: "echo 'boom: daytona server could not load its model' >&2; exit 4",
    healthTimeoutMs: 20_000,
  }).then(() => assert.fail("start should fail"), (e) => e);
  assert.equal(died.code, "PROVIDER_START_FAILED");
  assert.match(died.message, /exited before it answered GET \/health/);
  assert.match(died.message, /boom: daytona server could not load its model/);

  await assert.rejects(
    daytona.start({ image: "img:missing" }),
    (e: ProviderError) =>
      e.code === "PROVIDER_START_FAILED" &&
      /state "build_failed": failed to pull image "img:missing"/.test(e.message),
  );
  assert.equal(api.sandboxes.size, 0);
  assert.ok(api.requests.filter((r) => r.method === "DELETE").length >= 2);
});

Deno.test("daytona provider: options, auth and cleanup", async () => {
  await using api = startDaytonaStandIn(["img:ok"], KEY);
  assert.throws(() => new DaytonaProvider({ apiUrl: api.apiUrl, apiKey: "" }), /needs an API key/);
  const daytona = new DaytonaProvider({ apiKey: KEY, apiUrl: api.apiUrl });
  await assert.rejects(
    daytona.start({ image: "a", snapshot: "b" }),
    /exactly one of image or snapshot/,
  );
  await assert.rejects(
    new DaytonaProvider({ apiKey: "wrong", apiUrl: api.apiUrl }).start({ snapshot: "s" }),
    (e: ProviderError) => e.code === "PROVIDER_UNAVAILABLE" && /answered 401/.test(e.message),
  );
  // A crashed run leaves a sandbox behind; cleanup finds it by label.
  const leak = await fetch(`${api.apiUrl}/sandbox`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      snapshot: "s",
      labels: { "openenv.managed": "true", "openenv.session": daytona.sessionId },
    }),
  }).then((r) => r.json());
  assert.ok(api.sandboxes.has(leak.id));
  assert.equal(await daytona.cleanup(), 1);
  assert.equal(api.sandboxes.size, 0);
});
