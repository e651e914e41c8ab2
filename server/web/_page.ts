// Internal: the HTML of the web interface's page (served at /web/). Scripts
// and styles are separate same-origin files, so a strict CSP holds.
import { escapeHtml, renderMarkdown } from "./_markdown.ts";

/** What the page script reads from the embedded configuration block. */
export interface PageConfig {
  /** Environment name shown in the title. */
  name: string;
  /** Whether `./view.js` (a custom observation view) exists. */
  customView: boolean;
  /** Server mode, shown in the header. */
  mode: string;
}

/** Inputs of {@linkcode renderPage}. */
export interface PageInput {
  /** Display name of the environment. */
  name: string;
  /** One-line description from the metadata. */
  description: string;
  /** README Markdown, if any. */
  readme: string | null;
  /** Version from the metadata. */
  version: string | null;
  /** Configuration for the page script. */
  config: PageConfig;
}

/** JSON that can sit inside a `<script>` data block without ending it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c").replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/** Renders the page. */
export function renderPage(input: PageInput): string {
  const name = escapeHtml(input.name);
  const readme = input.readme && input.readme.trim() !== ""
    ? renderMarkdown(input.readme, 2)
    : "<p><em>No README available.</em></p>";
  const version = input.version
    ? ` <span class="version">v${escapeHtml(input.version)}</span>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenEnv: ${name}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./style.css">
<script type="application/json" id="openenv-config">${scriptJson(input.config)}</script>
<script type="module" src="./app.js"></script>
</head>
<body>
<a class="skip" href="#action-form">Skip to the action form</a>
<header class="topbar">
  <h1>OpenEnv <span class="env-name">${name}</span>${version}</h1>
  <p class="description">${escapeHtml(input.description)}</p>
  <div class="connection">
    <span id="connection" role="status" data-state="connecting">Connecting…</span>
    <button type="button" id="reconnect" hidden>New session</button>
  </div>
</header>
<main class="panes">
  <section class="pane controls" aria-label="Controls">
    <form id="reset-form" class="card" aria-labelledby="reset-title" novalidate>
      <h2 id="reset-title">Reset</h2>
      <div class="row">
        <div class="field">
          <label for="reset-seed">Seed <span class="optional">(optional)</span></label>
          <input id="reset-seed" name="seed" type="number" min="0" step="1" inputmode="numeric" aria-describedby="reset-seed-error">
          <p class="field-error" id="reset-seed-error"></p>
        </div>
        <div class="field">
          <label for="reset-episode">Episode id <span class="optional">(optional)</span></label>
          <input id="reset-episode" name="episode_id" type="text" maxlength="255" autocomplete="off">
        </div>
      </div>
      <button type="submit" id="reset-button">Reset</button>
    </form>
    <form id="action-form" class="card" aria-labelledby="action-title" novalidate>
      <h2 id="action-title">Action</h2>
      <fieldset class="editor-mode">
        <legend class="visually-hidden">Action editor</legend>
        <label><input type="radio" name="editor" value="form" checked> Form</label>
        <label><input type="radio" name="editor" value="json"> Raw JSON</label>
      </fieldset>
      <div id="action-fields" class="fields"><p>Loading the action schema…</p></div>
      <div id="action-json" class="field" hidden>
        <label for="action-json-text">Action as JSON</label>
        <textarea id="action-json-text" rows="10" spellcheck="false" aria-describedby="action-json-hint"></textarea>
        <p class="hint" id="action-json-hint">Any JSON object; it is sent as the action as it is.</p>
      </div>
      <div id="action-error" class="alert" role="alert"></div>
      <div class="buttons">
        <button type="submit" id="step-button" class="primary">Step</button>
        <span class="hint">Ctrl+Enter steps from anywhere in the form.</span>
      </div>
    </form>
    <details class="card connect" id="connect">
      <summary><h2>Connect from code</h2></summary>
      <p>The same environment from a program (each connection is its own session, like this tab):</p>
      <h3>Python (official OpenEnv client)</h3>
      <pre class="snippet" id="snippet-python"></pre>
      <h3>TypeScript (<code>@openenv/core/client</code>)</h3>
      <pre class="snippet" id="snippet-ts"></pre>
    </details>
    <details class="card readme" id="readme" open>
      <summary><h2>README</h2></summary>
      <div class="markdown">${readme}</div>
    </details>
  </section>
  <section class="pane results" aria-label="Results">
    <div class="card">
      <h2>Observation</h2>
      <dl class="summary">
        <div><dt>Episode</dt><dd id="episode-id">–</dd></div>
        <div><dt>Step</dt><dd id="step-count">–</dd></div>
        <div><dt>Reward</dt><dd id="reward">–</dd></div>
        <div><dt>Return</dt><dd id="return">–</dd></div>
        <div><dt>Done</dt><dd id="done">–</dd></div>
      </dl>
      <div id="reward-chart" class="reward-chart" hidden></div>
      <p id="live" class="live" aria-live="polite">Click Reset to start an episode.</p>
      <div id="observation-view" class="observation"></div>
      <details class="raw">
        <summary>Raw observation JSON</summary>
        <pre id="observation-raw">null</pre>
      </details>
    </div>
    <div class="card">
      <h2>State</h2>
      <pre id="state">{}</pre>
    </div>
    <div class="card">
      <div class="history-head">
        <h2 id="history-title">History</h2>
        <button type="button" id="clear-history">Clear history</button>
      </div>
      <p class="hint">Every reset and step of this tab, newest first. Kept while the tab is open.</p>
      <ol id="history" reversed aria-labelledby="history-title"></ol>
    </div>
  </section>
</main>
</body>
</html>
`;
}
