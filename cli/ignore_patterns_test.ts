import assert from "node:assert/strict";
import { compileIgnores, DEFAULT_IGNORES } from "./ignore_patterns.ts";

Deno.test("compileIgnores matches names, anchored paths, directories and **", () => {
  const m = compileIgnores([
    "node_modules/",
    "*.log",
    "/secret.txt",
    "docs/**/*.png",
    "# comment",
    "",
  ]);
  assert.equal(m.ignores("node_modules", true), true);
  assert.equal(m.ignores("a/node_modules", true), true);
  assert.equal(m.ignores("node_modules", false), false);
  assert.equal(m.ignores("x/debug.log", false), true);
  assert.equal(m.ignores("secret.txt", false), true);
  assert.equal(m.ignores("sub/secret.txt", false), false);
  assert.equal(m.ignores("docs/a/b/c.png", false), true);
  assert.equal(m.ignores("docs/c.png", false), true);
  assert.equal(m.ignores("img/c.png", false), false);
});

Deno.test("default ignores skip secrets and caches but keep .dockerignore", () => {
  const m = compileIgnores(DEFAULT_IGNORES);
  for (
    const [path, dir] of [[".env", false], [".env.local", false], [".git", true], [
      "a/__pycache__",
      true,
    ], ["x.pyc", false]] as const
  ) {
    assert.equal(m.ignores(path, dir), true, path);
  }
  for (const path of [".dockerignore", "README.md", "app.ts", ".gitattributes"]) {
    assert.equal(m.ignores(path, false), false, path);
  }
});
