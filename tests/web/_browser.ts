// Shared by the web interface's browser tests: a real headless Chromium
// (the system's /usr/bin/chromium, never a downloaded build) driven by
// playwright-core, with a fresh profile per browser.
import { type BrowserContext, chromium, type Page } from "playwright-core";
import assert from "node:assert/strict";

/** The Chromium binary: `$CHROMIUM_PATH`, else /usr/bin/chromium. */
export const CHROMIUM_PATH: string = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** The flags MACHINE.md gives for headless Chromium on this machine. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a fresh profile, closed (and its profile deleted) on dispose. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser context: every page is a tab of the same browser. */
  readonly context: BrowserContext;
  /** Opens a tab; page errors and console errors are collected in `errors`. */
  newTab(): Promise<Page>;
  /** Uncaught page errors and console errors seen so far, in every tab. */
  readonly errors: string[];
  /** Every URL the tabs requested (documents, scripts, styles, images, sockets). */
  readonly requests: string[];
}

/** Launches Chromium, or fails with a message that says how to install it. */
export async function launchBrowser(): Promise<TestBrowser> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `Chromium is missing at '${CHROMIUM_PATH}': install it with 'apt-get install -y chromium' ` +
        "(.ci/run does this) or point CHROMIUM_PATH at a Chromium binary",
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "openenv-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 800 },
    offline: false,
  });
  const errors: string[] = [];
  const requests: string[] = [];
  const watch = (page: Page) => {
    page.on("request", (request) => requests.push(request.url()));
    page.on("websocket", (socket) => requests.push(socket.url()));
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console error: ${message.text()}`);
    });
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    errors,
    requests,
    newTab: async () => {
      const blank = context.pages().find((p) => p.url() === "about:blank");
      return blank ?? await context.newPage();
    },
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Opens the web interface in a tab and waits until its session is open. */
export async function openUi(browser: TestBrowser, baseUrl: string): Promise<Page> {
  const page = await browser.newTab();
  await page.goto(`${baseUrl}/`);
  assert.equal(new URL(page.url()).pathname, "/web/", "the root should redirect to /web/");
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#connection[data-state="open"]');
  return page;
}

/**
 * Saves a screenshot as a test artifact in .cache/web-screenshots/. With
 * OPENENV_UPDATE_SCREENSHOTS=1, the ones shown in the docs (`inDocs`) go to
 * docs/screenshots/ instead, to be committed.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  { inDocs = true }: { inDocs?: boolean } = {},
): Promise<string> {
  const update = inDocs && ["1", "true", "yes"].includes(
    (Deno.env.get("OPENENV_UPDATE_SCREENSHOTS") ?? "").toLowerCase(),
  );
  const dir = new URL(
    update ? "../../docs/screenshots/" : "../../.cache/web-screenshots/",
    import.meta.url,
  );
  await Deno.mkdir(dir, { recursive: true });
  const path = new URL(`${name}.png`, dir).pathname;
  await page.screenshot({ path, fullPage: false });
  return path;
}
