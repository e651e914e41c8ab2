import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ProcessProvider } from "./process_provider.ts";
import { ProviderError } from "./errors.ts";

const testdata = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const echo = fileURLToPath(new URL("../envs/echo", import.meta.url));
// One provider for the file: each environment is bundled once, then reused.
const provider = new ProcessProvider();

async function probe(baseUrl: string, probe: string, target = ""): Promise<string> {
  const res = await fetch(`${baseUrl}/step`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: { probe, target } }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.observation.outcome;
}

async function isListening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("process provider: runs echo on a loopback port with only its own port allowed", async () => {
  await using env = await provider.start({ module: echo });
  assert.match(env.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const allow = env.args.filter((a) => a.startsWith("--allow"));
  assert.deepEqual(allow, [`--allow-net=127.0.0.1:${env.port}`]);
  for (const flag of ["--no-npm", "--no-remote", "--no-prompt", "--no-config"]) {
    assert.ok(env.args.includes(flag), `missing ${flag} in ${env.args.join(" ")}`);
  }
  const health = await fetch(`${env.baseUrl}/health`).then((r) => r.json());
  assert.deepEqual(health, { status: "healthy" });
  const res = await fetch(`${env.baseUrl}/step`, {
    method: "POST",
    body: JSON.stringify({ action: { message: "hello" } }),
  }).then((r) => r.json());
  assert.equal(res.observation.echoed_message, "hello");
  assert.equal(res.reward, 0.5);
  // A WebSocket session works through the sandbox too.
  const ws = new WebSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
  const reply = await new Promise<{ type: string; data: { observation: unknown } }>(
    (resolve, reject) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: "reset", data: {} }));
      ws.onmessage = (e) => resolve(JSON.parse(e.data));
      ws.onerror = () => reject(new Error("WebSocket failed"));
    },
  );
  const closed = new Promise((r) => ws.onclose = r);
  ws.close();
  await closed;
  assert.equal(reply.type, "observation");
  await env.stop();
  const status = await env.exited;
  assert.equal(status.code, 0, "SIGTERM ends the server gracefully");
  assert.equal(await isListening(env.port), false, "the port is free after stop");
});

Deno.test("process provider: the sandbox holds (files, env, spawn, ports, listen, ffi, sys, npm, remote, imports)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const secret = `${dir}/secret.txt`;
    await Deno.writeTextFile(secret, "top secret");
    const module = `${dir}/payload.js`;
    await Deno.writeTextFile(module, "export const stolen = true;\n");
    using other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const otherPort = (other.addr as Deno.NetAddr).port;

    await using env = await provider.start({ module: testdata("probe_env") });
    const denied: [string, string, RegExp][] = [
      ["read", secret, /^NotCapable: Requires read access/],
      ["write", `${dir}/dropped.txt`, /^NotCapable: Requires write access/],
      ["env", "HOME", /^NotCapable: Requires env access/],
      ["run", "true", /^NotCapable: Requires run access/],
      ["net", String(otherPort), /^NotCapable: Requires net access to "127\.0\.0\.1:\d+"/],
      ["net", "example.com:443", /^NotCapable: Requires net access to "example\.com:443"/],
      ["net", "10.0.0.1:80", /^NotCapable: Requires net access to "10\.0\.0\.1:80"/],
      ["listen", "0", /^NotCapable: Requires net access to "127\.0\.0\.1:0"/],
      ["ffi", "libc.so.6", /^NotCapable: Requires ffi access/],
      ["sys", "", /^NotCapable: Requires sys access/],
      ["npm", "npm:left-pad@1.3.0", /--no-npm/],
      ["remote", "https://deno.land/std/version.ts", /--no-remote/],
      ["import", `file://${module}`, /Requires read access/],
    ];
    for (const [kind, target, expected] of denied) {
      const outcome = await probe(env.baseUrl, kind, target);
      assert.match(outcome, expected, `${kind} ${target}`);
    }
    await assert.rejects(Deno.stat(`${dir}/dropped.txt`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process provider: the manifest's deno.permissions and env vars grant exactly what they name", async () => {
  await using env = await provider.start({
    module: testdata("granted_env"),
    env: { OPENENV_PROBE_VISIBLE: "yes", OPENENV_PROBE_EXTRA: "also" },
  });
  const allowed = testdata("granted_env/allowed.txt");
  assert.ok(env.args.includes(`--allow-read=${allowed}`), env.args.join(" "));
  assert.equal(await probe(env.baseUrl, "read", allowed), "ok: 24");
  assert.match(
    await probe(env.baseUrl, "read", testdata("probe_env/app.ts")),
    /^NotCapable: Requires read access/,
  );
  assert.equal(await probe(env.baseUrl, "env", "OPENENV_PROBE_VISIBLE"), 'ok: "yes"');
  // Variables passed to start are readable by the environment they were given to.
  assert.equal(await probe(env.baseUrl, "env", "OPENENV_PROBE_EXTRA"), 'ok: "also"');
  assert.match(await probe(env.baseUrl, "env", "HOME"), /^NotCapable/);
  assert.match(await probe(env.baseUrl, "run", "true"), /^NotCapable/);
});

Deno.test("process provider: a crashing environment fails start with its stderr", async () => {
  const error = await provider.start({ module: testdata("crash_env/app.ts") }).then(
    () => assert.fail("start should fail"),
    (e) => e,
  );
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.code, "PROVIDER_START_FAILED");
  assert.match(error.message, /exited with code 1 before it answered GET \/health/);
  assert.match(error.message, /crash_env: missing required setting OPENENV_TEST_TOKEN/);
  assert.equal(error.details.code, 1);
});

Deno.test("process provider: stop falls back to SIGKILL when shutdown hangs", async () => {
  const env = await provider.start({ module: testdata("stubborn_env/app.ts"), stopGraceMs: 200 });
  assert.equal((await fetch(`${env.baseUrl}/health`).then((r) => r.json())).status, "healthy");
  await env.stop();
  const status = await env.exited;
  assert.equal(status.signal, "SIGKILL");
  await env.stop(); // idempotent
});

Deno.test("process provider: a server that never answers times out and is stopped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/app.ts`,
      "await new Promise(() => setInterval(() => {}, 1000));\nexport default { fetch: () => new Response() };\n",
    );
    const error = await provider.start({ module: `${dir}/app.ts`, healthTimeoutMs: 300 }).then(
      () => assert.fail("start should fail"),
      (e) => e,
    );
    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, "PROVIDER_HEALTH_TIMEOUT");
    assert.match(error.message, /did not answer GET \/health with 200 within 300 ms/);
    const pid = error.details.pid as number;
    assert.ok(pid > 0);
    // The child was killed and reaped: no such process any more.
    await assert.rejects(Deno.stat(`/proc/${pid}`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process provider: bad input gets clear errors", async () => {
  await assert.rejects(
    provider.start({ module: "/nonexistent/env" }),
    (e: ProviderError) => e.code === "PROVIDER_INVALID_OPTIONS" && /does not exist/.test(e.message),
  );
  await assert.rejects(
    provider.start({ module: testdata("") }),
    (e: ProviderError) =>
      e.code === "PROVIDER_INVALID_OPTIONS" && /has no app module/.test(e.message),
  );
  await assert.rejects(
    provider.start({ module: echo, moduleGraph: "docker" as "bundle" }),
    /Unknown moduleGraph "docker"/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/openenv.yaml`,
      "app: app.ts\ndeno:\n  permissions:\n    read: yes please\n",
    );
    await Deno.writeTextFile(`${dir}/app.ts`, "export default { fetch: () => new Response() };\n");
    await assert.rejects(
      provider.start({ module: dir }),
      (e: ProviderError) =>
        e.code === "PROVIDER_INVALID_OPTIONS" && /deno\.permissions\.read/.test(e.message),
    );
    await Deno.writeTextFile(`${dir}/openenv.yaml`, "app: app.ts\n");
    await Deno.writeTextFile(`${dir}/app.ts`, "export default { fetch(: };\n");
    await assert.rejects(
      provider.start({ module: dir }),
      (e: ProviderError) =>
        e.code === "PROVIDER_START_FAILED" &&
        /Preparing ".*app\.ts" with "deno bundle" failed/.test(e.message) &&
        /app\.ts/.test(String(e.details.output)),
    );
    await Deno.writeTextFile(`${dir}/app.ts`, "export default 42;\n");
    await assert.rejects(
      provider.start({ module: dir }),
      (e: ProviderError) =>
        e.code === "PROVIDER_START_FAILED" &&
        /must default-export an app with a fetch/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process provider: cached module graph mode runs echo without downloads", async () => {
  await using env = await provider.start({ module: echo, moduleGraph: "cached" });
  assert.ok(env.args.includes("--cached-only") && env.args.includes("--no-remote"));
  assert.deepEqual(env.args.filter((a) => a.startsWith("--allow")), [
    `--allow-net=127.0.0.1:${env.port}`,
  ]);
  const res = await fetch(`${env.baseUrl}/step`, {
    method: "POST",
    body: JSON.stringify({ action: { message: "abc" } }),
  }).then((r) => r.json());
  assert.equal(res.observation.message_length, 3);
});

Deno.test("process provider: disposing the provider stops what it started", async () => {
  const own = new ProcessProvider();
  const a = await own.start({ module: echo });
  const b = await own.start({ module: echo });
  assert.notEqual(a.port, b.port);
  await own[Symbol.asyncDispose]();
  assert.equal((await a.exited).code, 0);
  assert.equal((await b.exited).code, 0);
  assert.equal(await isListening(a.port), false);
});
