// An automated accessibility audit of the web interface: axe-core (the
// engine behind most browser accessibility checkers) runs inside the real page
// for WCAG 2.1 A/AA and best-practice rules, in light and dark mode, on the
// echo page mid-episode, on a form showing errors, and on a custom view.
import assert from "node:assert/strict";
import axe from "axe-core";
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { startTestServer } from "@openenv/core/testing";
import { EchoAction, EchoEnvironment, EchoObservation } from "@openenv/echo";
import type { Page } from "playwright-core";
import { launchBrowser, openUi } from "./_browser.ts";
import {
  BoardObservation,
  boardView,
  KitchenSinkAction,
  KitchenSinkEnvironment,
  MoveAction,
  TicTacToeEnvironment,
} from "./_envs.ts";

declare const document: { querySelectorAll(selector: string): { length: number } };

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe in the page (through the debugging protocol, so the page's CSP still holds). */
async function audit(page: Page): Promise<string[]> {
  if (!await page.evaluate("typeof axe !== 'undefined'")) await page.evaluate(axe.source);
  const out: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await page.evaluate(
      "axe.run(document, { runOnly: { type: 'tag', values: " +
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })",
    ) as { violations: Violation[] };
    for (const v of result.violations) {
      out.push(
        `${scheme}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target).join(", ")}`,
      );
    }
  }
  return out;
}

async function play(app: EnvServerApp, run: (page: Page) => Promise<void>): Promise<string[]> {
  await using server = startTestServer(app);
  await using browser = await launchBrowser();
  const page = await openUi(browser, server.url);
  await page.click("#reset-button");
  await page.waitForFunction(() => document.querySelectorAll("#history > li").length === 1);
  await run(page);
  const found = await audit(page);
  assert.deepEqual(browser.errors, []);
  return found;
}

Deno.test("accessibility: the echo page mid-episode has no axe violations", async () => {
  const app = createApp(() => new EchoEnvironment(), {
    action: EchoAction,
    observation: EchoObservation,
    webInterface: true,
    readme:
      "# Echo\n\n| Field | Type |\n|---|---|\n| message | str |\n\n- [docs](https://example.com)",
  });
  const violations = await play(app, async (page) => {
    await page.getByLabel("Message").fill("hello");
    await page.click("#step-button");
    await page.waitForFunction(() => document.querySelectorAll("#history > li").length === 2);
    await page.click("#history > li:first-child summary");
    await page.click("#connect summary");
    await page.click("details.raw summary");
  });
  assert.deepEqual(violations, []);
});

Deno.test("accessibility: the audit does catch a problem (an unlabelled input)", async () => {
  const app = createApp(() => new EchoEnvironment(), { action: EchoAction, webInterface: true });
  const violations = await play(app, async (page) => {
    await page.evaluate(
      "document.querySelector('#action-fields').append(Object.assign(document.createElement('input'), { id: 'unlabelled' }))",
    );
  });
  assert.ok(
    violations.some((v) => v.startsWith("light: label ") && v.includes("#unlabelled")),
    violations.join("\n"),
  );
});

Deno.test("accessibility: a generated form showing errors has no axe violations", async () => {
  const app = createApp(() => new KitchenSinkEnvironment(), {
    action: KitchenSinkAction,
    webInterface: true,
  });
  const violations = await play(app, async (page) => {
    await page.getByRole("button", { name: "Add item to Tags" }).click();
    await page.getByLabel("Include Options").check();
    await page.click("#step-button"); // empty required fields: errors on screen
    await page.waitForFunction(() => document.querySelectorAll("[aria-invalid=true]").length > 0);
    await page.check('input[name="editor"][value="json"]');
    await page.check('input[name="editor"][value="form"]');
  });
  assert.deepEqual(violations, []);
});

Deno.test("accessibility: the custom board view has no axe violations", async () => {
  const app = createApp(() => new TicTacToeEnvironment(), {
    action: MoveAction,
    observation: BoardObservation,
    webInterface: true,
    webView: boardView,
  });
  const violations = await play(app, async (page) => {
    await page.click('[data-cell="1-1"]');
    await page.waitForFunction(() => document.querySelectorAll("#history > li").length === 2);
  });
  assert.deepEqual(violations, []);
});
