// A custom observation view (createApp's webView option) in a real headless
// Chromium: a tic-tac-toe board drawn as a grid, played by clicking cells and
// through the generated form; a broken view falls back to the generic one.
import assert from "node:assert/strict";
import { createApp, type WebViewOptions } from "@openenv/core/server";
import { startTestServer } from "@openenv/core/testing";
import type { Page } from "playwright-core";
import { launchBrowser, openUi, saveScreenshot } from "./_browser.ts";
import { BoardObservation, boardView, MoveAction, TicTacToeEnvironment } from "./_envs.ts";

declare const document: { querySelectorAll(selector: string): { length: number } };

function ticTacToe(webView?: WebViewOptions) {
  return startTestServer(createApp(() => new TicTacToeEnvironment(), {
    name: "tic_tac_toe",
    action: MoveAction,
    observation: BoardObservation,
    webInterface: true,
    webView,
  }));
}

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim();
const cell = (page: Page, r: number, c: number) => page.locator(`[data-cell="${r}-${c}"]`);

async function waitForHistory(page: Page, n: number): Promise<void> {
  await page.waitForFunction((k) => document.querySelectorAll("#history > li").length === k, n);
}

Deno.test("web UI custom view: a board drawn by the environment's script, played by clicking", async () => {
  await using server = ticTacToe(boardView);
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await page.click("#reset-button");
  await waitForHistory(page, 1);
  assert.equal(await page.locator('[role="grid"] [role="gridcell"]').count(), 9);
  assert.equal(await text(page, ".ttt-message"), "Your move: you are X.");

  // Click the centre: X there, O answers in the first free cell.
  await cell(page, 1, 1).click();
  await waitForHistory(page, 2);
  assert.equal(await text(page, '[data-cell="1-1"]'), "X");
  assert.equal(await text(page, '[data-cell="0-0"]'), "O");
  assert.equal(await cell(page, 1, 1).isDisabled(), true, "taken cells cannot be clicked");
  assert.equal(await cell(page, 1, 1).getAttribute("aria-label"), "Row 2, column 2: X");

  // The generated form drives the same session and the view follows.
  await page.getByLabel("Row", { exact: true }).fill("0");
  await page.getByLabel("Col", { exact: true }).fill("2");
  await page.click("#step-button");
  await waitForHistory(page, 3);
  assert.equal(await text(page, '[data-cell="0-2"]'), "X");
  assert.equal(await text(page, '[data-cell="0-1"]'), "O");

  // Win on the anti-diagonal by keyboard: focus the cell and press Enter.
  await cell(page, 2, 0).focus();
  await page.keyboard.press("Enter");
  await waitForHistory(page, 4);
  assert.equal(await text(page, ".ttt-message"), "Game over: X.");
  assert.equal(await text(page, "#done"), "yes");
  assert.equal(await text(page, "#reward"), "1");
  assert.match((await text(page, "#live")) ?? "", /done: reset to play again/);
  assert.equal(
    await cell(page, 2, 2).isDisabled(),
    true,
    "the board is closed when the game is over",
  );
  const actions = await page.$$eval(
    "#history > li.step-entry pre:first-of-type",
    (p) => p.map((e) => JSON.parse(e.textContent ?? "null")),
  );
  assert.deepEqual(actions, [{ row: 2, col: 0 }, { row: 0, col: 2 }, { row: 1, col: 1 }]);
  // The generic data is still one click away.
  const raw = JSON.parse((await text(page, "#observation-raw")) ?? "null");
  assert.deepEqual(raw.board, [["O", "O", "X"], ["", "X", ""], ["X", "", ""]]);
  await saveScreenshot(page, "web_ui_custom_view");
  assert.deepEqual(browser.errors, []);
});

Deno.test("web UI custom view: a view that throws falls back to the generic view", async () => {
  await using server = ticTacToe({
    script: "export function render() { throw new Error('boom'); }",
  });
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await page.click("#reset-button");
  await waitForHistory(page, 1);
  assert.match((await text(page, ".view-error")) ?? "", /custom view failed \(boom\)/);
  assert.match((await text(page, '#observation-view [data-field="message"]')) ?? "", /Your move/);
});

Deno.test("web UI custom view: a view that does not load is reported, and the page still works", async () => {
  await using server = ticTacToe({ script: "export const render = 42;" });
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  assert.match(
    (await text(page, "#action-error")) ?? "",
    /custom view could not be loaded.*must export a function render/,
  );
  await page.click("#reset-button");
  await waitForHistory(page, 1);
  assert.match((await text(page, '#observation-view [data-field="message"]')) ?? "", /Your move/);
});

Deno.test("web UI: without a custom view, the board appears in the generic view", async () => {
  await using server = ticTacToe();
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await page.click("#reset-button");
  await waitForHistory(page, 1);
  assert.equal(await page.locator('[role="grid"]').count(), 0);
  const board = JSON.parse((await text(page, '#observation-view [data-field="board"]')) ?? "null");
  assert.deepEqual(board, [["", "", ""], ["", "", ""], ["", "", ""]]);
  assert.deepEqual(browser.errors, []);
});
