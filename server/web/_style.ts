// Internal: the web interface's stylesheet (served at /web/style.css). System
// fonts only: the page loads nothing from outside the server.

/** The stylesheet. */
export const STYLE_CSS: string = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --fg: #1a1d21; --muted: #5a6270; --line: #d5d9e0;
  --accent: #1f6f3f; --accent-fg: #ffffff; --error: #b3261e; --error-bg: #fdecea;
  --ok: #1f6f3f; --focus: #1a56db; --code-bg: #eef0f3;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171b; --card: #1d2126; --fg: #e7e9ec; --muted: #a3acb9; --line: #343a42;
    --accent: #3fa86b; --accent-fg: #0b1a10; --error: #ff8a80; --error-bg: #3a1c1a;
    --ok: #6fd39a; --focus: #8ab4ff; --code-bg: #262b31;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
code, pre, textarea, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: var(--code-bg); padding: 0.5rem 0.6rem; border-radius: 4px; overflow: auto; max-height: 22rem; margin: 0.3rem 0; white-space: pre-wrap; word-break: break-word; }
h1, h2, h3, h4 { margin: 0 0 0.5rem; line-height: 1.25; }
h1 { font-size: 1.25rem; }
h2 { font-size: 1.05rem; }
h3 { font-size: 1rem; }
a { color: var(--focus); }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--card); padding: 0.4rem; z-index: 10; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.topbar { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; align-items: baseline; padding: 0.6rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
.topbar h1 { margin: 0; }
.env-name { color: var(--accent); }
.version, .description, .hint, .optional { color: var(--muted); font-weight: normal; }
.version { font-size: 0.85rem; }
.description { margin: 0; flex: 1 1 20rem; }
.connection { display: flex; gap: 0.5rem; align-items: center; }
#connection { padding: 0.15rem 0.6rem; border-radius: 999px; border: 1px solid var(--line); font-size: 0.85rem; }
#connection[data-state="open"] { color: var(--ok); border-color: var(--ok); }
#connection[data-state="closed"], #connection[data-state="error"] { color: var(--error); border-color: var(--error); }
.panes { display: grid; grid-template-columns: minmax(20rem, 2fr) minmax(22rem, 3fr); gap: 1rem; padding: 1rem; align-items: start; }
@media (min-width: 60rem) {
  .panes { height: calc(100vh - 4.2rem); }
  .pane { height: 100%; overflow: auto; padding-right: 0.3rem; }
}
@media (max-width: 60rem) { .panes { grid-template-columns: 1fr; } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem; margin-bottom: 1rem; }
.row { display: flex; gap: 0.8rem; flex-wrap: wrap; }
.row .field { flex: 1 1 9rem; }
.field { margin: 0 0 0.7rem; }
.field > label, .field > .label { display: block; font-weight: 600; margin-bottom: 0.2rem; }
.field .hint { margin: 0.15rem 0 0; font-size: 0.85rem; }
.field-error { color: var(--error); margin: 0.15rem 0 0; font-size: 0.85rem; }
.field-error:empty { display: none; }
input[type="text"], input[type="number"], select, textarea { width: 100%; padding: 0.35rem 0.45rem; border: 1px solid var(--line); border-radius: 4px; background: var(--card); color: var(--fg); font: inherit; }
textarea { resize: vertical; }
[aria-invalid="true"] { border-color: var(--error) !important; }
fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 0.7rem; padding: 0.5rem 0.7rem 0.1rem; }
legend { font-weight: 600; padding: 0 0.3rem; }
fieldset.top { border: none; padding: 0; margin: 0; }
fieldset.top > legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
fieldset.editor-mode { border: none; padding: 0; margin-bottom: 0.6rem; display: flex; gap: 1rem; }
.checkbox { display: flex; gap: 0.4rem; align-items: center; font-weight: 600; }
.array-item { border-left: 3px solid var(--line); padding-left: 0.6rem; margin-bottom: 0.5rem; }
.array-item-head { display: flex; justify-content: space-between; align-items: center; }
.const { font-family: ui-monospace, monospace; }
button { font: inherit; padding: 0.35rem 0.9rem; border-radius: 4px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--accent); }
button.primary, #reset-button { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 600; }
button:disabled { opacity: 0.6; cursor: not-allowed; }
#step-button:disabled, #reset-button:disabled { cursor: progress; }
button.small { padding: 0.1rem 0.5rem; font-size: 0.85rem; }
.buttons { display: flex; gap: 0.8rem; align-items: center; flex-wrap: wrap; }
.alert:empty { display: none; }
.alert { color: var(--error); background: var(--error-bg); border-radius: 4px; padding: 0.5rem 0.7rem; margin-bottom: 0.7rem; white-space: pre-wrap; }
details.card > summary { cursor: pointer; }
details.card > summary h2 { display: inline; }
.connect h3 { font-size: 0.9rem; margin-top: 0.6rem; }
.markdown table { border-collapse: collapse; }
.markdown th, .markdown td { border: 1px solid var(--line); padding: 0.2rem 0.5rem; }
.summary { display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; margin: 0 0 0.5rem; }
.summary div { min-width: 4rem; }
.summary dt { font-size: 0.8rem; color: var(--muted); }
.summary dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
#done[data-done="true"] { color: var(--accent); }
.live { margin: 0 0 0.5rem; color: var(--muted); }
.reward-chart { margin: 0 0 0.4rem; }
.reward-chart svg { display: block; max-width: 100%; border-bottom: 1px solid var(--line); }
.reward-chart .bar-up { fill: var(--ok); }
.reward-chart .bar-down { fill: var(--error); }
.reward-chart .axis { stroke: var(--muted); stroke-width: 0.5; }
.observation dl.generic { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 0.8rem; margin: 0; }
.observation dl.generic dt { font-weight: 600; }
.observation dl.generic dd { margin: 0; min-width: 0; }
.observation img { max-width: 100%; image-rendering: pixelated; }
.observation .view-error { color: var(--error); }
.history-head { display: flex; justify-content: space-between; align-items: baseline; }
#history { padding-left: 2rem; margin: 0; }
#history li { margin-bottom: 0.3rem; }
#history summary { cursor: pointer; }
#history .reset-entry summary { color: var(--muted); }
#history .entry-body { padding: 0.3rem 0 0.3rem 0.5rem; }
#history .entry-body h3 { font-size: 0.85rem; margin: 0.3rem 0 0; color: var(--muted); }
`;
