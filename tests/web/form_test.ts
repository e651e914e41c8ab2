// The action form generated from a JSON Schema, in a real headless Chromium:
// every field kind, client-side checks, server-side errors placed on their
// field, and the raw JSON editor.
import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { startTestServer } from "@openenv/core/testing";
import type { Page } from "playwright-core";
import { launchBrowser, openUi, saveScreenshot } from "./_browser.ts";
import { KitchenSinkAction, KitchenSinkEnvironment } from "./_envs.ts";

declare const document: {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null } | null;
};

function server() {
  return startTestServer(createApp(() => new KitchenSinkEnvironment(), {
    name: "kitchen_sink",
    action: KitchenSinkAction,
    webInterface: true,
  }));
}

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim();
const historyLength = (page: Page) => page.locator("#history > li").count();
const fieldError = (page: Page, path: string) => text(page, `[data-path="${path}"] .field-error`);

async function stepAndWait(page: Page): Promise<void> {
  const before = await historyLength(page);
  await page.click("#step-button");
  await page.waitForFunction((n) => document.querySelectorAll("#history > li").length > n, before);
}

async function received(page: Page): Promise<unknown> {
  const raw = JSON.parse((await text(page, "#observation-raw")) ?? "null");
  return raw.received;
}

Deno.test("web UI form: every kind of field becomes a labelled control", async () => {
  await using srv = server();
  await using browser = await launchBrowser();
  const page = await openUi(browser, srv.url);
  const name = page.getByLabel("Name", { exact: true });
  assert.equal(await name.getAttribute("maxlength"), "20");
  assert.equal(await name.getAttribute("aria-required"), "true");
  const count = page.getByLabel("Count");
  assert.equal(await count.getAttribute("type"), "number");
  assert.equal(await count.getAttribute("min"), "0");
  assert.equal(await count.getAttribute("max"), "10");
  assert.equal(await count.getAttribute("step"), "1");
  assert.match(
    (await text(page, '[data-path="count"] .hint')) ?? "",
    /How many times\. A whole number, at least 0 and at most 10\./,
  );
  assert.match(
    (await text(page, '[data-path="ratio"] .hint')) ?? "",
    /greater than 0 and less than 1/,
  );
  assert.deepEqual(
    await page.$$eval('[data-path="color"] option', (o) => o.map((e) => e.textContent)),
    ["red", "green", "blue"],
  );
  // A boolean with a default is optional: not set, true or false; the default is chosen.
  assert.equal(await page.getByLabel("Flag").inputValue(), "1");
  assert.equal(await text(page, '[data-path="tags"] > legend'), "Tags");
  assert.equal(await text(page, '[data-path="point"] > legend'), "Point");
  assert.match((await text(page, '[data-path="note"] .hint')) ?? "", /Leave empty for null/);
  assert.equal(await page.getByLabel("Extra (optional)").evaluate((e) => e.tagName), "TEXTAREA");
  assert.deepEqual(
    await page.$$eval('[data-path="move"] select option', (o) => o.map((e) => e.textContent)),
    ["kind: walk", "kind: jump"],
  );
  assert.equal(await page.getByLabel("Include Options").isChecked(), false);
  // metadata is never a form field.
  assert.equal(await page.locator('[data-path="metadata"]').count(), 0);
  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI form: filled in, it sends exactly the action the schema describes", async () => {
  await using srv = server();
  await using browser = await launchBrowser();
  const page = await openUi(browser, srv.url);
  await page.click("#reset-button");
  await page.waitForFunction(() => document.querySelectorAll("#history > li").length === 1);

  // Empty required fields are caught in the page; nothing is sent.
  await page.click("#step-button");
  assert.match((await text(page, "#action-error")) ?? "", /5 fields need attention/);
  assert.equal(await fieldError(page, "name"), "Enter a value.");
  assert.equal(await fieldError(page, "count"), "Enter a number.");
  assert.equal(await fieldError(page, "point.x"), "Enter a number.");
  assert.equal(await fieldError(page, "point.y"), "Enter a number.");
  assert.equal(await fieldError(page, "move.speed"), "Enter a number.");
  assert.equal(await page.getByLabel("Name", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.equal(
    await page.evaluate(() =>
      (globalThis as unknown as { document: { activeElement: { id: string } } }).document
        .activeElement.id.includes("name")
    ),
    true,
    "focus moves to the first field in error",
  );
  assert.equal(await historyLength(page), 1);

  await page.getByLabel("Name", { exact: true }).fill("Ada");
  await page.getByLabel("Count").fill("11");
  await page.getByLabel("X", { exact: true }).fill("1.5");
  await page.getByLabel("Y", { exact: true }).fill("-2");
  await page.getByLabel("Speed").fill("3");
  await page.click("#step-button");
  assert.equal(await fieldError(page, "count"), "Must be at most 10.");
  await page.getByLabel("Count").fill("3");
  await page.getByLabel("Ratio (optional)").fill("1");
  await page.click("#step-button");
  assert.equal(await fieldError(page, "ratio"), "Must be less than 1.");
  await page.getByLabel("Ratio (optional)").fill("0.5");

  await page.getByLabel("Flag").selectOption({ label: "true" });
  await page.getByLabel("Color").selectOption({ label: "green" });
  await page.getByRole("button", { name: "Add item to Tags" }).click();
  await page.getByRole("button", { name: "Add item to Tags" }).click();
  await page.getByRole("button", { name: "Add item to Tags" }).click();
  await page.getByRole("textbox", { name: "Item 1", exact: true }).fill("a");
  await page.getByRole("textbox", { name: "Item 2", exact: true }).fill("zzz");
  await page.getByRole("textbox", { name: "Item 3", exact: true }).fill("b");
  await page.getByRole("button", { name: "Remove item 2 of Tags" }).click();
  assert.equal(
    await page.getByRole("textbox", { name: "Item 2", exact: true }).inputValue(),
    "b",
    "items renumber after a removal",
  );
  await page.getByLabel("Extra (optional)").fill("{not json");
  await page.click("#step-button");
  assert.match((await fieldError(page, "extra")) ?? "", /^Invalid JSON/);
  await page.getByLabel("Extra (optional)").fill('{"k": 2}');
  await page.getByLabel("Move kind").selectOption({ label: "kind: jump" });
  await page.getByLabel("Height").fill("4");
  await page.getByLabel("Include Options").check();
  await page.getByLabel("Verbose").check();
  await stepAndWait(page);

  const expected = {
    name: "Ada",
    count: 3,
    ratio: 0.5,
    flag: true,
    color: "green",
    tags: ["a", "b"],
    point: { x: 1.5, y: -2 },
    note: null,
    extra: { k: 2 },
    move: { kind: "jump", height: 4 },
    options: { verbose: true },
  };
  assert.deepEqual(await received(page), expected);
  assert.equal(await text(page, "#step-count"), "1");
  await page.setViewportSize({ width: 1366, height: 1400 });
  await saveScreenshot(page, "web_ui_form");
  await page.setViewportSize({ width: 1366, height: 800 });

  // Optional parts left empty are left out.
  await page.getByLabel("Ratio (optional)").fill("");
  await page.getByLabel("Extra (optional)").fill("");
  await page.getByLabel("Include Options").uncheck();
  await page.getByLabel("Note").fill("hi");
  await stepAndWait(page);
  const { ratio: _r, extra: _e, options: _o, ...rest } = expected;
  assert.deepEqual(await received(page), { ...rest, note: "hi" });

  // The raw JSON editor starts from the form, and the form takes the JSON back.
  await page.check('input[name="editor"][value="json"]');
  const json = JSON.parse(await page.inputValue("#action-json-text"));
  assert.deepEqual(json, { ...rest, note: "hi" });
  const edited = { ...json, tags: ["only"], count: 9, unknown_key: 1 };
  await page.fill("#action-json-text", JSON.stringify(edited));
  await page.check('input[name="editor"][value="form"]');
  assert.equal(await page.getByLabel("Count").inputValue(), "9");
  assert.equal(await page.locator('[data-path="tags"] .array-item').count(), 1);
  assert.equal(
    await page.getByRole("textbox", { name: "Item 1", exact: true }).inputValue(),
    "only",
  );
  assert.match((await text(page, "#action-error")) ?? "", /left out: unknown_key/);
  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI form: a check only the server knows is shown on its field", async () => {
  await using srv = server();
  await using browser = await launchBrowser();
  const page = await openUi(browser, srv.url);
  await page.click("#reset-button");
  await page.waitForFunction(() => document.querySelectorAll("#history > li").length === 1);
  await page.getByLabel("Name", { exact: true }).fill("forbidden");
  await page.getByLabel("Count").fill("1");
  await page.getByLabel("X", { exact: true }).fill("0");
  await page.getByLabel("Y", { exact: true }).fill("0");
  await page.getByLabel("Speed").fill("0");
  await page.click("#step-button");
  await page.waitForFunction(() => document.querySelector("#action-error")?.textContent !== "");
  assert.match(
    (await text(page, "#action-error")) ?? "",
    /VALIDATION_ERROR[\s\S]*name: That name is reserved/,
  );
  assert.equal(await fieldError(page, "name"), "That name is reserved");
  assert.equal(await page.getByLabel("Name", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.equal(await historyLength(page), 1, "a refused action is not in the history");
  assert.equal(await text(page, "#step-count"), "0");
});
