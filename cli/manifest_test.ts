import assert from "node:assert/strict";
import { CliError } from "./errors.ts";
import {
  denoSettings,
  parseManifest,
  readManifest,
  stringifyManifest,
  writeManifest,
} from "./manifest.ts";

Deno.test("parseManifest reads the reference's canonical form", () => {
  const m = parseManifest(
    "spec_version: 1\nname: echo_env\ntype: space\nruntime: fastapi\napp: server.app:app\nport: 8000\n",
  );
  assert.deepEqual(m, {
    spec_version: 1,
    name: "echo_env",
    type: "space",
    runtime: "fastapi",
    app: "server.app:app",
    port: 8000,
  });
  // A Python manifest has no deno block and no module app: serve falls back to server.ts.
  assert.deepEqual(denoSettings(m), { entry: "server.ts", app: undefined });
});

Deno.test("parseManifest reads the legacy form and keeps unknown keys", () => {
  const m = parseManifest(
    'name: coding_env\nversion: "0.1.0"\ndescription: "Coding environment"\naction: CodeAction\nobservation: CodeObservation\nfuture_key: [1, 2]\n',
  );
  assert.equal(m.version, "0.1.0");
  assert.equal(m.action, "CodeAction");
  assert.deepEqual(m.future_key, [1, 2]);
  // A numeric version is read as text.
  assert.equal(parseManifest("name: x\nversion: 1.5\n").version, "1.5");
});

Deno.test("parseManifest explains every problem with its path and value", () => {
  const bad = () =>
    parseManifest(
      "name: 'bad name!'\nport: 99999\nvariables:\n  1BAD: x\ndeno:\n  entry: /abs/server.py\n  permissions:\n    net: yes-please\n    nuke: true\n",
      "envs/x/openenv.yaml",
    );
  assert.throws(bad, (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.match(e.message, /^envs\/x\/openenv\.yaml is not a valid manifest/);
    assert.match(e.message, /"name": must start with a letter or digit.*got "bad name!"/);
    assert.match(e.message, /"port": .*got 99999/);
    assert.match(e.message, /"deno\.entry": must be a relative path to a \.ts or \.js module/);
    assert.match(e.message, /"deno\.permissions\.net"/);
    assert.match(e.message, /deno\.permissions.*nuke/s);
    assert.match(e.message, /"variables\.1BAD"/);
    return true;
  });
  assert.throws(() => parseManifest("name: [unclosed\n"), /not valid YAML/);
  assert.throws(() => parseManifest("- a\n- b\n"), /must be a mapping/);
  assert.throws(() => parseManifest("port: 8000\n"), /"name": .*missing/);
});

Deno.test("stringifyManifest writes known keys in order and round-trips", () => {
  const text = stringifyManifest({
    deno: { entry: "server.ts", permissions: { env: ["A"] } },
    port: 8000,
    name: "my_env",
    spec_version: 1,
    extra: "kept",
  });
  assert.match(text, /^spec_version: 1\nname: my_env\nport: 8000\ndeno:\n/);
  assert.match(text, /extra: kept\n$/);
  assert.deepEqual(parseManifest(text).deno, { entry: "server.ts", permissions: { env: ["A"] } });
  assert.throws(() => stringifyManifest({ name: "" }), /Refusing to write an invalid manifest/);
});

Deno.test("readManifest and writeManifest use <dir>/openenv.yaml", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(readManifest(dir), /No openenv\.yaml in/);
    await writeManifest(dir, { spec_version: 1, name: "x_env", port: 8001 });
    assert.equal((await readManifest(dir)).port, 8001);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the Python tools read our manifest and ignore the deno block", async () => {
  const { ensureVenvs, VENVS } = await import("../tests/interop/_python.ts");
  await ensureVenvs();
  const text = stringifyManifest({
    spec_version: 1,
    name: "my_env",
    type: "space",
    runtime: "deno",
    app: "app.ts",
    port: 8000,
    deno: { entry: "server.ts", permissions: { net: ["api.example.com"], env: true } },
  });
  const code = [
    "import sys, yaml",
    "m = yaml.safe_load(sys.stdin.read())",
    "print(m['name'], m['spec_version'], m['port'], sorted(m))",
  ].join("\n");
  const child = new Deno.Command(`${VENVS[1].dir}/bin/python`, {
    args: ["-c", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.equal(
    new TextDecoder().decode(out.stdout).trim(),
    "my_env 1 8000 ['app', 'deno', 'name', 'port', 'runtime', 'spec_version', 'type']",
  );
});
