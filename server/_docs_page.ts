// Internal: a small, dependency-free HTML page for /docs, rendered from the
// OpenAPI document (no CDN, no bundled Swagger UI).

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** Renders the API reference page served at `/docs` and `/redoc`. */
export function renderDocsPage(openapi: Record<string, unknown>): string {
  const info = openapi.info as { title: string; version: string; description?: string };
  const paths = openapi.paths as Record<
    string,
    Record<string, { summary?: string; description?: string }>
  >;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) =>
      `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${
        escapeHtml(path)
      }</code></td><td>${escapeHtml(op.summary ?? "")}${
        op.description ? `<br><small>${escapeHtml(op.description)}</small>` : ""
      }</td></tr>`
    )
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{font-family:ui-monospace,monospace}</style></head>
<body><h1>${escapeHtml(info.title)}</h1><p>Version ${escapeHtml(info.version)}. ${
    escapeHtml(info.description ?? "")
  }</p>
<h2>HTTP routes</h2><table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>WebSockets</h2><table><tbody>
<tr><td><code>/ws</code></td><td>One session per connection. Send <code>{"type":"reset","data":{…}}</code>, <code>{"type":"step","data":{…action…}}</code>, <code>{"type":"state"}</code>, <code>{"type":"mcp","data":{…JSON-RPC…}}</code> or <code>{"type":"close"}</code>.</td></tr>
<tr><td><code>/mcp</code></td><td>Raw JSON-RPC frames: <code>tools/list</code>, <code>tools/call</code>, <code>openenv/session/create</code>, <code>openenv/session/close</code>.</td></tr>
</tbody></table>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>, <a href="/schema">/schema</a>.</p>
</body></html>`;
}
