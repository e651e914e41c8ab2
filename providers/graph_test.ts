// The root stays light: the core, the client and the Docker-free providers
// must never load dockerode (or the server); only the Docker and Swarm
// entries do.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

async function graphOf(entry: string): Promise<string[]> {
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
  const graph = JSON.parse(text.decode(out.stdout)) as { modules: { specifier: string }[] };
  return graph.modules.map((m) => m.specifier);
}

for (
  const entry of [
    "mod.ts",
    "client/mod.ts",
    "providers/mod.ts",
    "providers/kubernetes/mod.ts",
    "providers/daytona/mod.ts",
  ]
) {
  Deno.test(`graph: ${entry} does not load dockerode`, async () => {
    const modules = await graphOf(entry);
    assert.ok(modules.length >= 3, `graph of ${entry} looks empty`);
    assert.deepEqual(modules.filter((s) => /dockerode|docker-modem|ssh2/.test(s)), []);
  });
}

Deno.test("graph: providers/mod.ts loads only zod and yaml from npm, and not the server", async () => {
  const modules = await graphOf("providers/mod.ts");
  const npm = modules.filter((s) => s.startsWith("npm:")).map((s) =>
    s.replace(/^npm:\/?/, "").replace(/@[^@]+$/, "")
  );
  assert.deepEqual(npm.sort(), ["yaml", "zod"]);
  assert.deepEqual(modules.filter((s) => s.includes("/server/") || s.includes("hono")), []);
  assert.ok(modules.some((s) => s.endsWith("/providers/process_provider.ts")));
});

for (const entry of ["mod.ts", "client/mod.ts", "providers/mod.ts"]) {
  Deno.test(`graph: ${entry} does not load the Kubernetes client`, async () => {
    const modules = await graphOf(entry);
    assert.ok(modules.length >= 3, `graph of ${entry} looks empty`);
    assert.deepEqual(modules.filter((s) => s.includes("@kubernetes/client-node")), []);
  });
}

Deno.test("graph: providers/kubernetes/mod.ts is where the official Kubernetes client loads", async () => {
  const modules = await graphOf("providers/kubernetes/mod.ts");
  assert.ok(
    modules.some((s) => /^npm:\/?@kubernetes\/client-node@1\./.test(s)),
    modules.join("\n"),
  );
  assert.deepEqual(modules.filter((s) => /dockerode/.test(s)), []);
});

for (const entry of ["providers/docker/mod.ts", "providers/swarm/mod.ts"]) {
  Deno.test(`graph: ${entry} is where dockerode loads`, async () => {
    const modules = await graphOf(entry);
    assert.ok(modules.some((s) => /^npm:\/?dockerode@/.test(s)), modules.join("\n"));
  });
}
