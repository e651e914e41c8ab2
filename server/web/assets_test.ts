import assert from "node:assert/strict";
import { APP_JS } from "./_client_app.ts";
import { FORM_JS } from "./_client_form.ts";
import { STYLE_CSS } from "./_style.ts";

Deno.test("the page's scripts parse and pass deno lint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openenv-web-assets-" });
  try {
    await Deno.writeTextFile(`${dir}/app.js`, APP_JS);
    await Deno.writeTextFile(`${dir}/form.js`, FORM_JS);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["lint", "--no-config", `${dir}/app.js`, `${dir}/form.js`],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the page's assets load nothing from other hosts", () => {
  for (const source of [APP_JS, FORM_JS, STYLE_CSS]) {
    // The SVG namespace is a name, not something fetched.
    const urls = source.replaceAll('"http://www.w3.org/2000/svg"', "").match(/https?:\/\/\S*/g);
    assert.equal(urls, null);
    assert.equal(/@import|url\(/.test(source), false);
  }
  // The form module is what app.js imports, by a relative URL.
  assert.match(APP_JS, /from "\.\/form\.js"/);
});
