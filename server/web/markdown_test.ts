import assert from "node:assert/strict";
import { escapeHtml, renderMarkdown } from "./_markdown.ts";

Deno.test("renderMarkdown() shows raw HTML as text", () => {
  const html = renderMarkdown('Hi <script>alert("x")</script> <img src=x onerror=alert(1)>');
  assert.equal(
    html,
    "<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>",
  );
});

Deno.test("renderMarkdown() keeps only http(s), mailto and relative links", () => {
  assert.equal(
    renderMarkdown(
      "[a](https://x.org/a_(b)) [b](javascript:alert(1)) [c](./doc.md) [d](mailto:a@b.c)",
    ),
    '<p><a href="https://x.org/a_(b)" rel="noopener noreferrer">a</a> b ' +
      '<a href="./doc.md" rel="noopener noreferrer">c</a> ' +
      '<a href="mailto:a@b.c" rel="noopener noreferrer">d</a></p>',
  );
  assert.equal(renderMarkdown("[x](data:text/html,hi) [y](//evil.com)"), "<p>x y</p>");
  // A quote in the target cannot leave the attribute.
  assert.equal(
    renderMarkdown('[q](https://x.org/"onmouseover="alert(1))'),
    '<p><a href="https://x.org/&quot;onmouseover=&quot;alert(1)" rel="noopener noreferrer">q</a></p>',
  );
});

Deno.test("renderMarkdown() renders images as links, never loading them", () => {
  assert.equal(
    renderMarkdown("![board](https://x.org/b.png)"),
    '<p><a href="https://x.org/b.png" rel="noopener noreferrer">image: board</a></p>',
  );
});

Deno.test("renderMarkdown() renders headings shifted, emphasis, code and lists", () => {
  const md = [
    "---",
    "title: Echo",
    "sdk: docker",
    "---",
    "# Echo env",
    "",
    "Some **bold**, *italic* and `a <b> c` text;",
    "snake_case_names stay.",
    "",
    "- one",
    "- two",
    "",
    "1. first",
    "2. second",
    "",
    "```python",
    "print('<hi>')",
    "```",
    "> quoted",
    "",
    "---",
  ].join("\n");
  assert.equal(
    renderMarkdown(md, 2),
    [
      "<h3>Echo env</h3>",
      "<p>Some <strong>bold</strong>, <em>italic</em> and <code>a &lt;b&gt; c</code> text; snake_case_names stay.</p>",
      "<ul><li>one</li><li>two</li></ul>",
      "<ol><li>first</li><li>second</li></ol>",
      '<pre><code data-lang="python">print(&#39;&lt;hi&gt;&#39;)</code></pre>',
      "<blockquote><p>quoted</p></blockquote>",
      "<hr>",
    ].join("\n"),
  );
});

Deno.test("renderMarkdown() renders pipe tables", () => {
  assert.equal(
    renderMarkdown("| Field | Type |\n|---|:---:|\n| `message` | str |\n| x | <y> |"),
    '<table><thead><tr><th scope="col">Field</th><th scope="col">Type</th></tr></thead>' +
      "<tbody><tr><td><code>message</code></td><td>str</td></tr>" +
      "<tr><td>x</td><td>&lt;y&gt;</td></tr></tbody></table>",
  );
});

Deno.test("escapeHtml() escapes the five special characters", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});
