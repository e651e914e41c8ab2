// The code output view in a real headless Chromium: code typed into the
// generated form, its output and its error shown by the view.
import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { launchBrowser, openUi, saveScreenshot } from "../../tests/web/_browser.ts";
import { createCodingApp } from "./app.ts";

declare const document: { querySelectorAll(selector: string): { length: number } };

Deno.test("web UI: code runs from the form and the view shows its output", async () => {
  await using server = startTestServer(createCodingApp({ webInterface: true, timeoutS: 10 }));
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  const historyLength = (n: number) =>
    page.waitForFunction((k) => document.querySelectorAll("#history > li").length === k, n, {
      timeout: 120_000,
    });
  await page.click("#reset-button");
  await historyLength(1);
  await page.getByLabel("Code", { exact: true }).fill("x = 6\nprint('x is', x)\nx * 7");
  await page.click("#step-button");
  await historyLength(2);
  assert.equal((await page.textContent(".code-status"))?.trim(), "Exit code 0");
  assert.equal(await page.textContent(".code-stdout pre"), "x is 6\n42\n");
  await page.getByLabel("Code", { exact: true }).fill("1 / 0");
  await page.click("#step-button");
  await historyLength(3);
  assert.equal(
    (await page.textContent(".code-status"))?.trim(),
    "Exit code 1: ZeroDivisionError: division by zero",
  );
  assert.match((await page.textContent(".code-stderr pre")) ?? "", /Traceback/);
  await saveScreenshot(page, "web_ui_coding_output");
  assert.deepEqual(browser.errors, []);
});
