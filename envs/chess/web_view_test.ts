// The chess board view in a real headless Chromium: a move played by
// clicking two squares, the opponent's reply drawn, and a move typed into
// the generated form.
import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { launchBrowser, openUi, saveScreenshot } from "../../tests/web/_browser.ts";
import { createChessApp } from "./app.ts";

declare const document: { querySelectorAll(selector: string): { length: number } };

Deno.test("web UI: the chess board is played by clicking squares", async () => {
  await using server = startTestServer(createChessApp({ opponent: "random", webInterface: true }));
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  const historyLength = (n: number) =>
    page.waitForFunction((k) => document.querySelectorAll("#history > li").length === k, n);
  await page.fill("#reset-seed", "7");
  await page.click("#reset-button");
  await historyLength(1);
  assert.equal(await page.locator('[role="grid"] [role="gridcell"]').count(), 64);
  assert.equal(await page.textContent('[data-square="e2"]'), "♙");
  assert.match((await page.textContent(".chess-status")) ?? "", /White to move\. You play white\./);

  await page.click('[data-square="e2"]');
  assert.equal(await page.getAttribute('[data-square="e2"]', "aria-pressed"), "true");
  assert.match(
    (await page.getAttribute('[data-square="e4"]', "aria-label")) ?? "",
    /legal destination/,
  );
  await page.click('[data-square="e4"]');
  await historyLength(2);
  assert.equal(await page.textContent('[data-square="e4"]'), "♙");
  assert.equal(await page.textContent('[data-square="e2"]'), "");
  assert.match(
    (await page.textContent(".chess-opponent")) ?? "",
    /^Opponent played [a-h][1-8][a-h][1-8]\.$/,
  );

  // An illegal move typed into the form is reported on the board.
  await page.getByLabel("Move", { exact: true }).fill("e4e6");
  await page.click("#step-button");
  await historyLength(3);
  assert.match((await page.textContent(".chess-error")) ?? "", /^Illegal move 'e4e6' for white/);
  await saveScreenshot(page, "web_ui_chess_board");
  assert.deepEqual(browser.errors, []);
});
