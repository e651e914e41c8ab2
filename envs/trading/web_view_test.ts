// The trading view in a real headless Chromium: the chart, the portfolio
// table and the end-of-episode report, driven through the page's raw JSON
// action editor.
import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import { launchBrowser, openUi, saveScreenshot } from "../../tests/web/_browser.ts";
import { createTradingApp } from "./app.ts";
import { syntheticMarket } from "./data.ts";

declare const document: { querySelectorAll(selector: string): { length: number } };

Deno.test("trading web view: chart, portfolio and report in the browser", async () => {
  const market = syntheticMarket({ tickers: ["AAA", "BBB"], days: 4, seed: 2 });
  await using server = startTestServer(
    createTradingApp({ webInterface: true, config: { market, indicators: [] } }),
  );
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await page.click("#reset-button");
  await page.waitForSelector(".trading-chart svg polyline", { state: "attached" });
  assert.match((await page.textContent("#observation-view")) ?? "", /portfolio 1,000,000/);
  await page.check('input[name="editor"][value="json"]');
  for (let i = 0; i < 3; i++) {
    await page.fill("#action-json-text", JSON.stringify({ actions: [0.5, -0.1] }));
    await page.click("#step-button");
    await page.waitForFunction(
      (n) => document.querySelectorAll("#history > li").length === n,
      i + 2,
    );
  }
  await page.waitForSelector('section[aria-label="Episode report"]');
  const report = (await page.textContent('section[aria-label="Episode report"]')) ?? "";
  assert.match(report, /Total return: -?[\d.,]+%/);
  assert.match(report, /Trades: 3/);
  const points = await page.getAttribute(".trading-chart polyline", "points");
  assert.equal(points?.trim().split(/\s+/).length, 4, "one point per day of the episode");
  assert.equal(await page.locator(".trading-chart + table tbody tr, table tbody tr").count(), 2);
  await saveScreenshot(page, "web_ui_trading_view", { inDocs: false });
  assert.deepEqual(browser.errors, []);
});
