// The client in a real browser: bundle client/mod.ts, serve it next to the
// echo server (same origin, so the HTTP client needs no CORS), and run an
// episode in headless Chromium (the system's /usr/bin/chromium, driven by
// playwright-core; never a downloaded browser).
import assert from "node:assert/strict";
import { launchBrowser } from "../tests/web/_browser.ts";
import { startTestServer } from "../testing/mod.ts";
import { createEchoApp } from "../envs/echo/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PAGE = `<!doctype html><meta charset="utf-8"><title>client</title>
<script type="module">
import { EnvClient, HttpEnvClient, ServerError } from "/client.js";
const base = location.origin;
const out = {};
try {
  const env = new EnvClient(base);
  out.first = await env.reset({ seed: 2, episodeId: "from-browser" });
  out.step = await env.step({ message: "browser" });
  try { await env.step({ bogus: 1 }); } catch (e) { out.code = e instanceof ServerError ? e.code : String(e); }
  out.state = await env.state();
  await env.close();
  out.status = env.status;
  const http = new HttpEnvClient(base);
  out.httpStep = await http.step({ message: "fetch" });
  try {
    await new EnvClient(base, { headers: { Authorization: "Bearer x" } }).reset();
  } catch (e) {
    out.headers = e.name + ": " + e.message;
  }
} catch (e) {
  out.error = String(e && e.stack || e);
}
window.__result = out;
</script>`;

Deno.test("the bundled client runs in Chromium against our server", async () => {
  const dir = await Deno.makeTempDir();
  const bundle = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "browser", "-o", `${dir}/client.js`, `${ROOT}client/mod.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
  const script = await Deno.readTextFile(`${dir}/client.js`);
  await Deno.remove(dir, { recursive: true });

  const echo = createEchoApp();
  await using server = startTestServer({
    ...echo,
    fetch: (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path === "/page") {
        return Promise.resolve(
          new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
        );
      }
      if (path === "/client.js") {
        return Promise.resolve(
          new Response(script, { headers: { "content-type": "text/javascript" } }),
        );
      }
      return echo.fetch(request);
    },
  });
  // The shared launcher: the system Chromium, MACHINE.md's flags, a fresh profile.
  await using browser = await launchBrowser();
  try {
    const page = await browser.newTab();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/page`);
    await page.waitForFunction(() => "__result" in globalThis, null, { timeout: 30_000 });
    // deno-lint-ignore no-explicit-any
    const out = await page.evaluate(() => (globalThis as any).__result);
    assert.equal(out.error, undefined, out.error);
    assert.deepEqual(errors, []);
    assert.equal(out.first.observation.echoed_message, "Echo environment ready!");
    assert.equal(out.step.observation.echoed_message, "browser");
    assert.equal(out.step.reward, 0.7000000000000001);
    assert.equal(out.code, "VALIDATION_ERROR");
    assert.deepEqual(out.state, { episode_id: "from-browser", step_count: 1 });
    assert.equal(out.status, "closed");
    assert.equal(out.httpStep.observation.echoed_message, "fetch");
    // Browsers cannot send WebSocket headers: a clear error instead of a silent drop.
    assert.match(
      out.headers,
      /^TypeError: Custom headers cannot be sent: the browser WebSocket API/,
    );
  } finally {
    await echo.close();
  }
});
