// The web interface in a real headless Chromium, against the echo
// environment served on a real socket: play an episode through the form,
// read the history, keep tabs apart, and leave the reference's shared
// environment alone.
import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import type { Page } from "playwright-core";
import { runInVenv, VENVS } from "../interop/_python.ts";
import { launchBrowser, openUi, saveScreenshot } from "./_browser.ts";
import { serveEcho } from "./_serve_echo.ts";

// The page's globals, as far as these tests use them inside page functions
// (Deno has no DOM types).
interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  value?: string;
  type?: string;
  labels?: { length: number };
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
  activeElement: PageElement | null;
};

const README = `# Echo

Sends each **message** back. Reward: \`0.1\` per character.

<script>window.pwned = true</script>

- [docs](https://example.com/docs)
- [bad](javascript:alert(1))
`;

function echoApp() {
  return createApp(() => new EchoEnvironment(), {
    name: "echo_env",
    action: EchoAction,
    observation: EchoObservation,
    readme: README,
    webInterface: true,
  });
}

function echoServer() {
  return startTestServer(echoApp());
}

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim();

async function reset(page: Page, seed?: number): Promise<void> {
  const before = await page.locator("#history > li").count();
  if (seed !== undefined) await page.fill("#reset-seed", String(seed));
  await page.click("#reset-button");
  await page.waitForFunction((n) => document.querySelectorAll("#history > li").length > n, before);
}

async function step(page: Page, message: string): Promise<void> {
  const before = await page.locator("#history > li").count();
  await page.getByLabel("Message").fill(message);
  await page.click("#step-button");
  await page.waitForFunction((n) => document.querySelectorAll("#history > li").length > n, before);
}

Deno.test("web UI: an echo episode played through the form shows rewards, state and history", async () => {
  await using server = echoServer();
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);

  assert.equal(await page.title(), "OpenEnv: echo_env");
  // The README is rendered, its HTML shown as text and its unsafe link disarmed.
  assert.equal(await text(page, "#readme .markdown h3"), "Echo");
  assert.equal(await text(page, "#readme .markdown strong"), "message");
  assert.match(
    (await text(page, "#readme .markdown")) ?? "",
    /<script>window\.pwned = true<\/script>/,
  );
  assert.equal(await page.evaluate(() => "pwned" in window), false);
  assert.deepEqual(
    await page.$$eval("#readme a", (links) => links.map((a) => a.getAttribute("href"))),
    ["https://example.com/docs"],
  );

  await reset(page, 7);
  assert.equal(await text(page, "#step-count"), "0");
  assert.equal(await text(page, "#done"), "no");
  assert.match((await text(page, "#live")) ?? "", /started/);
  assert.equal(
    await text(page, '#observation-view [data-field="echoed_message"]'),
    "Echo environment ready!",
  );

  await step(page, "hello");
  await step(page, "abc");
  assert.equal(await text(page, "#step-count"), "2");
  assert.equal(await text(page, "#reward"), "0.3");
  assert.equal(await text(page, "#return"), "0.8");
  assert.equal(await text(page, '#observation-view [data-field="echoed_message"]'), "abc");
  assert.equal(await text(page, '#observation-view [data-field="message_length"]'), "3");
  assert.equal(await text(page, "#live"), "Step 2: reward 0.3.");
  // The episode's rewards as a bar chart, described for screen readers.
  assert.equal(await page.locator("#reward-chart svg rect").count(), 2);
  assert.equal(
    await page.getAttribute("#reward-chart svg", "aria-label"),
    "Rewards of the 2 steps of this episode, from 0.3 to 0.5",
  );
  const state = JSON.parse((await text(page, "#state")) ?? "{}");
  assert.equal(state.step_count, 2);
  assert.equal(typeof state.episode_id, "string");

  // History: newest first, one entry per reset and step, expandable, with rewards.
  const summaries = await page.$$eval("#history > li summary", (s) => s.map((e) => e.textContent));
  assert.deepEqual(summaries, [
    "Step 2: reward 0.3",
    "Step 1: reward 0.5",
    `Reset: episode ${state.episode_id.slice(0, 8)}… (seed 7)`,
  ]);
  await page.click("#history > li:nth-child(2) summary");
  const opened = await text(page, "#history > li:nth-child(2) .entry-body");
  assert.match(opened ?? "", /"message": "hello"/);
  assert.match(opened ?? "", /"echoed_message": "hello"/);
  await saveScreenshot(page, "web_ui_echo");

  // The "Connect from code" snippets name this server and the last action, and they run.
  const python = (await text(page, "#snippet-python")) ?? "";
  assert.match(python, new RegExp(`GenericEnvClient\\(base_url="${server.url}"\\)`));
  assert.match(python, /env\.step\(\{"message":"abc"\}\)/);
  const ran = await runInVenv(VENVS[0], "python", ["-c", python]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /echoed_message': 'abc'.* 0\.3\d* False/);
  const ts = (await text(page, "#snippet-ts")) ?? "";
  // Inside the repository, so "@openenv/core/client" resolves through the workspace.
  const dir = new URL("../../.cache/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const file = new URL(`web_snippet_${crypto.randomUUID()}.ts`, dir);
  await Deno.writeTextFile(
    file,
    `${ts}\nconsole.log(JSON.stringify({ observation, reward, done }));\n`,
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--quiet", file.pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoded = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(JSON.parse(decoded).observation.echoed_message, "abc");
  } finally {
    await Deno.remove(file);
  }

  // "Use this action" puts an old action back into the form.
  await page.click("#history > li:nth-child(2) button");
  assert.equal(await page.getByLabel("Message").inputValue(), "hello");

  // The raw JSON editor is a fallback for any action; bad input is refused with a message.
  await page.check('input[name="editor"][value="json"]');
  assert.deepEqual(JSON.parse(await page.inputValue("#action-json-text")), { message: "hello" });
  await page.fill("#action-json-text", '{"mesage": "typo"}');
  await page.click("#step-button");
  await page.waitForFunction(() => document.querySelector("#action-error")?.textContent !== "");
  const error = (await text(page, "#action-error")) ?? "";
  assert.match(error, /VALIDATION_ERROR/);
  assert.match(error, /mesage: Extra inputs are not permitted/);
  assert.equal(await text(page, "#step-count"), "2", "a refused action is not a step");
  await page.fill("#action-json-text", '{"message": "json"}');
  await page.click("#step-button");
  await page.waitForFunction(() => document.querySelector("#step-count")?.textContent === "3");
  assert.equal(await text(page, '#observation-view [data-field="echoed_message"]'), "json");

  // Keyboard: Enter in the seed field resets; Ctrl+Enter in the form steps.
  await page.check('input[name="editor"][value="form"]');
  await page.fill("#reset-seed", "3");
  await page.press("#reset-seed", "Enter");
  await page.waitForFunction(() => document.querySelector("#step-count")?.textContent === "0");
  assert.equal(await page.isHidden("#reward-chart"), true, "a new episode starts a new chart");
  await page.getByLabel("Message").fill("kb");
  await page.press("textarea", "Control+Enter");
  await page.waitForFunction(() => document.querySelector("#step-count")?.textContent === "1");
  assert.equal(await text(page, "#reward"), "0.2");

  // A bad seed is refused in the page, before anything is sent.
  await page.fill("#reset-seed", "-1");
  await page.click("#reset-button");
  assert.match((await text(page, "#reset-seed-error")) ?? "", /whole number/);
  assert.equal(await page.getAttribute("#reset-seed", "aria-invalid"), "true");
  assert.equal(await text(page, "#step-count"), "1");

  // Everything the page loaded came from this server: no CDN, no fonts, no analytics.
  const host = new URL(server.url).host;
  const foreign = browser.requests.filter((u) =>
    !u.startsWith("data:") && new URL(u).host !== host
  );
  assert.deepEqual(foreign, []);
  assert.ok(browser.requests.some((u) => u === `${server.wsUrl}`), "the tab opened /ws");
  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI: two tabs have separate sessions, and a tab keeps its history", async () => {
  const app = echoApp();
  await using server = startTestServer(app);
  await using browser = await launchBrowser();
  const first = await openUi(browser, server.url);
  const second = await openUi(browser, server.url);
  const live = () => app.sessions.size;
  assert.equal(live(), 2, "each tab opens its own /ws session");

  await reset(first);
  await reset(second);
  await step(first, "one");
  await step(first, "two");
  await step(second, "solo");

  const id1 = await first.getAttribute("#episode-id", "data-full");
  const id2 = await second.getAttribute("#episode-id", "data-full");
  assert.ok(id1 && id2);
  assert.notEqual(id1, id2, "the tabs play different episodes");
  assert.equal(await text(first, "#step-count"), "2");
  assert.equal(await text(second, "#step-count"), "1");
  assert.equal(await first.locator("#history > li").count(), 3);
  assert.equal(await second.locator("#history > li").count(), 2);
  await saveScreenshot(second, "web_ui_second_tab", { inDocs: false });

  // Closing a tab ends its session and nothing else.
  await second.close();
  for (let i = 0; i < 100 && live() !== 1; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(live(), 1);
  await step(first, "three");
  assert.equal(await text(first, "#step-count"), "3");

  // Reloading a tab keeps its history (sessionStorage) but starts a new session.
  await first.reload();
  await first.waitForSelector('body[data-ready="true"]');
  await first.waitForSelector('#connection[data-state="open"]');
  assert.equal(await first.locator("#history > li").count(), 4);
  assert.equal(await text(first, "#step-count"), "–");
  await first.click("#clear-history");
  assert.equal(await first.locator("#history > li").count(), 0);
  await first.reload();
  await first.waitForSelector('body[data-ready="true"]');
  assert.equal(await first.locator("#history > li").count(), 0);

  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI: the page never touches the reference's shared environment", async () => {
  await using server = echoServer();
  await using ui = await openRawSocket(`${server.url.replace("http", "ws")}/ws/ui`);
  const initial = await ui.next() as { type: string; episode_state: { episode_id: unknown } };
  assert.equal(initial.type, "state_update");
  assert.equal(initial.episode_state.episode_id, null);

  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await reset(page);
  await step(page, "private");

  // A reference client steps the shared environment. The next /ws/ui frame is
  // that step's: the tab's reset and step never reached the shared episode.
  const res = await fetch(`${server.url}/web/step`, {
    method: "POST",
    body: JSON.stringify({ action: { message: "shared" } }),
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const update = await ui.next() as {
    episode_state: { step_count: number; action_logs: { action: unknown }[] };
  };
  assert.equal(update.episode_state.step_count, 1);
  assert.deepEqual(update.episode_state.action_logs.map((l) => l.action), [{
    message: "shared",
  }]);
  // And the tab's own episode did not move.
  assert.equal(await text(page, "#step-count"), "1");
  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI: every control has a label, and updates are announced", async () => {
  await using server = echoServer();
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  const unlabeled = await page.$$eval(
    "input, select, textarea, button",
    (nodes) =>
      nodes.filter((n) => {
        const el = n as unknown as PageElement;
        if (el.type === "hidden" || el.closest("[hidden]")) return false;
        const named = (el.labels?.length ?? 0) > 0 || el.getAttribute("aria-label") ||
          el.getAttribute("aria-labelledby") || (el.tagName === "BUTTON" && el.textContent?.trim());
        return !named;
      }).map((n) => n.outerHTML),
  );
  assert.deepEqual(unlabeled, []);
  assert.equal(await page.getAttribute("#live", "aria-live"), "polite");
  assert.equal(await page.getAttribute("#connection", "role"), "status");
  assert.equal(await page.getAttribute("#action-error", "role"), "alert");
  // Keyboard only: Tab walks the skip link, the reset form, then the action form.
  const order: string[] = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press("Tab");
    order.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        return el?.id || `${el?.tagName.toLowerCase()}:${el?.value ?? el?.textContent}`;
      }),
    );
  }
  assert.deepEqual(order.slice(0, 4), [
    "a:Skip to the action form",
    "reset-seed",
    "reset-episode",
    "reset-button",
  ]);
  assert.ok(order.includes("step-button"), `Tab should reach the Step button: ${order}`);
});

Deno.test("web UI: a tab refused for capacity says so and can start a session later", async () => {
  const app = createApp(() => new EchoEnvironment(), {
    action: EchoAction,
    webInterface: true,
    maxConcurrentEnvs: 1,
  });
  await using server = startTestServer(app);
  await using browser = await launchBrowser();
  const first = await openUi(browser, server.url);
  const second = await browser.newTab();
  await second.goto(`${server.url}/web/`);
  await second.waitForSelector('#connection[data-state="closed"]');
  assert.match((await text(second, "#action-error")) ?? "", /CAPACITY_REACHED/);
  assert.equal(await second.isVisible("#reconnect"), true);

  // Stepping without a session is refused in the page with a clear message.
  await second.getByLabel("Message").fill("x");
  await second.click("#step-button");
  assert.match((await text(second, "#action-error")) ?? "", /Not connected: start a new session/);

  await first.close();
  for (let i = 0; i < 100 && app.sessions.size !== 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await second.click("#reconnect");
  await second.waitForSelector('#connection[data-state="open"]');
  await reset(second);
  await step(second, "now");
  assert.equal(await text(second, "#step-count"), "1");
});

Deno.test("web UI: the echo server's own app (message or tool actions) is playable from the form", async () => {
  // envs/echo/app.ts under deno serve, turned on by ENABLE_WEB_INTERFACE as a deployment would.
  await using server = await serveEcho({ ENABLE_WEB_INTERFACE: "1" });
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  // The action is a union (echo message, list_tools, call_tool): one choice, then its fields.
  assert.deepEqual(
    await page.$$eval(
      "#action-fields select:first-of-type option",
      (o) => o.map((e) => e.textContent),
    ),
    [
      "Action for the echo environment: a message to echo back.",
      "type: list_tools",
      "type: call_tool",
    ],
  );
  await reset(page);
  await step(page, "plain");
  assert.equal(await text(page, '#observation-view [data-field="echoed_message"]'), "plain");

  const kind = page.getByLabel("Action kind");
  await kind.selectOption({ label: "type: list_tools" });
  await page.click("#step-button");
  await page.waitForFunction(() => document.querySelector("#step-count")?.textContent === "2");
  const tools = JSON.parse((await text(page, "#observation-raw")) ?? "{}").tools as {
    name: string;
  }[];
  assert.deepEqual(tools.map((t) => t.name).sort(), ["echo_message", "echo_with_length"]);

  await kind.selectOption({ label: "type: call_tool" });
  await page.getByLabel("Tool name").fill("echo_with_length");
  await page.getByLabel("Arguments (optional)").fill('{"message": "tool"}');
  await page.click("#step-button");
  await page.waitForFunction(() => document.querySelector("#step-count")?.textContent === "3");
  const raw = (await text(page, "#observation-raw")) ?? "";
  assert.match(raw, /"length": 4/);
  const actions = await page.$$eval(
    "#history > li.step-entry pre:first-of-type",
    (p) => p.map((e) => JSON.parse(e.textContent ?? "null")),
  );
  assert.deepEqual(actions[0], {
    type: "call_tool",
    tool_name: "echo_with_length",
    arguments: { message: "tool" },
  });
  assert.deepEqual(actions[1], { type: "list_tools" });
  assert.deepEqual(browser.errors, []);
});

Deno.test("web interface: ENABLE_WEB_INTERFACE turns it on for a served app, case-insensitively", async () => {
  const cases: [Record<string, string>, number][] = [
    [{ ENABLE_WEB_INTERFACE: "YES" }, 307],
    [{ ENABLE_WEB_INTERFACE: "true" }, 307],
    [{ ENABLE_WEB_INTERFACE: "false" }, 404],
    [{ ENABLE_WEB_INTERFACE: "" }, 404],
  ];
  for (const [env, status] of cases) {
    await using served = await serveEcho(env);
    const res = await fetch(`${served.url}/web`, { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, status, JSON.stringify(env));
  }
});
