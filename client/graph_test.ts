// The client must stay light and runtime-neutral: importing it must not load
// Node-only modules, Docker clients, the server (Hono) or anything heavy.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

interface GraphModule {
  kind: string;
  specifier: string;
  npmPackage?: string;
}

async function graphOf(entry: string): Promise<GraphModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`"deno info --json ${entry}" failed:\n${text.decode(out.stderr)}`);
  }
  return (JSON.parse(text.decode(out.stdout)) as { modules: GraphModule[] }).modules;
}

function local(m: GraphModule): string | null {
  return m.specifier.startsWith(ROOT.href) ? m.specifier.slice(ROOT.href.length) : null;
}

for (const entry of ["client/mod.ts", "client/file_sink.ts"]) {
  Deno.test(`${entry} loads only the client, the core models and zod`, async () => {
    const modules = await graphOf(entry);
    assert.ok(modules.length >= 5, `graph of ${entry} looks empty: ${modules.length} modules`);
    const offending = modules.filter((m) => {
      const path = local(m);
      if (path !== null) {
        return !/^(client|core)\/[a-z_]+\.ts$/.test(path) || path.endsWith("_test.ts");
      }
      if (m.kind === "npm") return !/^npm:\/?zod@/.test(m.specifier);
      return true; // node:, jsr:, https:, anything else
    });
    assert.deepEqual(offending.map((m) => m.specifier), []);
    const all = modules.map((m) => m.specifier).join("\n");
    assert.doesNotMatch(all, /node:|dockerode|hono|server\//);
  });
}

Deno.test("client/mod.ts uses no Deno API (runs in Node, Bun and browsers)", async () => {
  const modules = await graphOf("client/mod.ts");
  const files = modules.map(local).filter((p): p is string => p !== null);
  assert.ok(files.includes("client/env_client.ts"));
  const users: string[] = [];
  for (const file of files) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    // Code only: JSDoc examples may show Deno usage.
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    if (/\bDeno\.[a-zA-Z]/.test(code)) users.push(file);
  }
  assert.deepEqual(users, []);
});
