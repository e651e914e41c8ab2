// Internal: a small, safe Markdown renderer for environment READMEs shown in
// the web interface. All text is HTML-escaped first; only a fixed set of tags
// is ever produced, and links keep to http(s), mailto and relative targets.

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** A link target we are willing to emit, or `null` (shown as plain text). */
function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null; // javascript:, data:, vbscript:, ...
  if (url.startsWith("//")) return null;
  return url; // relative path or #anchor
}

// A link target: no spaces, parentheses allowed one level deep (wiki-style URLs).
const URL_PART = String.raw`((?:[^()\s]|\([^()\s]*\))+)`;
const TITLE_PART = String.raw`(?:\s+&quot;[^)]*&quot;)?`;

function emphasis(text: string): string {
  return text
    .replace(/\*\*(\S(?:.*?\S)?)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w])__(\S(?:.*?\S)?)__(?=[^\w]|$)/g, "$1<strong>$2</strong>")
    .replace(/(^|[^*\w])\*(\S(?:.*?\S)?)\*(?=[^*\w]|$)/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(\S(?:.*?\S)?)_(?=[^\w]|$)/g, "$1<em>$2</em>");
}

/** Inline Markdown on one already-escaped line of text. */
function inline(escaped: string): string {
  const held: string[] = [];
  const hold = (html: string) => {
    held.push(html);
    return `<@${held.length - 1}>`; // "<" never survives escaping
  };
  const link = (href: string | null, label: string) =>
    hold(href ? `<a href="${href}" rel="noopener noreferrer">${label}</a>` : label);
  let text = escaped.replace(/`([^`]+)`/g, (_, code: string) => hold(`<code>${code}</code>`));
  // Images become links to their source: the page never loads remote content.
  text = text.replace(
    new RegExp(`!\\[([^\\]]*)\\]\\(${URL_PART}${TITLE_PART}\\)`, "g"),
    (_, alt: string, src: string) => link(safeHref(src), `image: ${emphasis(alt || src)}`),
  );
  text = text.replace(
    new RegExp(`\\[([^\\]]+)\\]\\(${URL_PART}${TITLE_PART}\\)`, "g"),
    (_, label: string, src: string) => link(safeHref(src), emphasis(label)),
  );
  text = text.replace(/&lt;(https?:\/\/[^\s&]+)&gt;/g, (_, url: string) => link(url, url));
  text = emphasis(text);
  // Held pieces may contain held code spans (a link label with `code`).
  for (let pass = 0; pass < 2; pass++) {
    text = text.replace(/<@(\d+)>/g, (_, i) => held[Number(i)]);
  }
  return text;
}

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function tableCells(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|")) row = row.slice(0, -1);
  return row.split("|").map((cell) => inline(escapeHtml(cell.trim())));
}

/**
 * Renders a Markdown subset to HTML: headings (shifted down by
 * `headingOffset` levels), paragraphs, emphasis, inline and fenced code,
 * links, lists, block quotes, rules and pipe tables. YAML front matter is
 * dropped. Raw HTML in the source is shown as text, never interpreted.
 */
export function renderMarkdown(source: string, headingOffset = 0): string {
  let text = source.replace(/\r\n?/g, "\n");
  const front = /^---\n[\s\S]*?\n---(\n|$)/.exec(text);
  if (front) text = text.slice(front[0].length);
  const lines = text.split("\n");
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { tag: "ul" | "ol"; items: string[] } | null = null;
  let quote: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length) out.push(`<p>${inline(escapeHtml(paragraph.join(" ")))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) {
      out.push(`<${list.tag}>${list.items.map((i) => `<li>${i}</li>`).join("")}</${list.tag}>`);
    }
    list = null;
  };
  const flushQuote = () => {
    if (quote.length) {
      out.push(`<blockquote>${renderMarkdown(quote.join("\n"), headingOffset)}</blockquote>`);
    }
    quote = [];
  };
  const flushAll = () => {
    flushParagraph();
    flushList();
    flushQuote();
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flushAll();
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i++]);
      const lang = fence[2] ? ` data-lang="${escapeHtml(fence[2])}"` : "";
      out.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      flushParagraph();
      flushList();
      quote.push(line.replace(/^\s*>\s?/, ""));
      continue;
    }
    flushQuote();
    if (line.trim() === "") {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flushAll();
      const level = Math.min(6, heading[1].length + headingOffset);
      out.push(`<h${level}>${inline(escapeHtml(heading[2]))}</h${level}>`);
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushAll();
      out.push("<hr>");
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1])) {
      flushAll();
      const head = tableCells(line).map((c) => `<th scope="col">${c}</th>`).join("");
      const rows: string[] = [];
      i += 2;
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") {
        rows.push(`<tr>${tableCells(lines[i]).map((c) => `<td>${c}</td>`).join("")}</tr>`);
        i++;
      }
      i--;
      out.push(`<table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`);
      continue;
    }
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const tag = item[1] ? "ul" : "ol";
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(inline(escapeHtml(item[3])));
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // A continuation line of the last list item.
      list.items[list.items.length - 1] += " " + inline(escapeHtml(line.trim()));
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushAll();
  return out.join("\n");
}
