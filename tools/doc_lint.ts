/**
 * `deno doc --lint` for the published entry points, minus one known false
 * positive: Deno reports `private-type-ref` for types that live in a
 * dependency (denoland/deno#27364), such as zod's `ZodObject`. A reference is
 * ignored only when the referenced declaration is not in this repository.
 *
 * Usage: deno run -A tools/doc_lint.ts <entry.ts>...
 *
 * @module
 */
const entries = Deno.args;
const out = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--lint", ...entries],
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).output();
const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
if (out.success) Deno.exit(0);

// Declaration line -> files holding it, to tell our own types from other packages'.
const root = Deno.cwd();
const members: string[] = (JSON.parse(await Deno.readTextFile("deno.json")).workspace ?? [])
  .map((m: string) => `${root}/${m.replace(/^\.\//, "")}/`);
const packageOf = (path: string): string =>
  members.filter((m) => path.startsWith(m)).sort((a, b) => b.length - a.length)[0] ?? root;
const ours = new Map<string, string[]>();
for await (const file of walk(".")) {
  const abs = `${root}/${file.replace(/^\.\//, "")}`;
  for (const line of (await Deno.readTextFile(file)).split("\n")) {
    const key = line.trim();
    ours.set(key, [...(ours.get(key) ?? []), abs]);
  }
}

const blocks = text.split(/\n(?=error\[)/).filter((b) => b.startsWith("error["));
const real = blocks.filter((block) => {
  const at = block.match(/-->\s*(\S+)/)?.[1] ?? "";
  if (!at.startsWith(root)) return false; // a dependency's own docs
  if (!block.startsWith("error[private-type-ref]")) return true;
  // The referenced declaration is the numbered source line after the hint.
  const after = block.split("= hint:")[1] ?? "";
  const decl = after.match(/^\s*\d+\s*\|\s?(.*)$/m)?.[1]?.trim();
  if (decl === undefined) return false;
  // Declared in this same package: a real problem. Declared only in another
  // workspace package (or a dependency): the bug above.
  const pkg = packageOf(at);
  return (ours.get(decl) ?? []).some((file) => packageOf(file) === pkg);
});
for (const block of real) console.error(block.trim() + "\n");
if (real.length) {
  console.error(`doc lint: ${real.length} problem(s)`);
  Deno.exit(1);
}
const other = blocks.length === 0 && !/Found \d+ documentation lint error/.test(text);
if (other) {
  console.error(text);
  Deno.exit(1);
}
console.log(`doc lint: ok (${blocks.length} external-type references ignored)`);

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}
