import assert from "node:assert/strict";

const CLI = new URL("./main.ts", import.meta.url).pathname;

async function cli(
  args: string[],
  cwd?: string,
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const t = new TextDecoder();
  return { code: r.code, out: t.decode(r.stdout), err: t.decode(r.stderr) };
}

Deno.test("every command has --help, and exit codes follow the convention", async () => {
  for (const command of ["init", "serve", "build", "validate", "push", "fork"]) {
    const r = await cli([command, "--help"]);
    assert.equal(r.code, 0, command);
    assert.match(r.out, new RegExp(`^Usage: openenv ${command} `), command);
    assert.match(r.out, /Examples:/, command);
  }
  const top = await cli(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.out, /Commands:\n {2}init/);
  assert.equal((await cli([])).code, 2);
  assert.match((await cli(["--version"])).out, /^openenv 0\.1\.0/);

  const typo = await cli(["valdate"]);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /Unknown command "valdate"/);
  assert.match(typo.err, /Did you mean `openenv validate`/);

  const flag = await cli(["serve", "--prot", "1"]);
  assert.equal(flag.code, 2);
  assert.match(flag.err, /Unknown flag "--prot"\nusage: openenv serve \[dir\] \[options\]/);

  const missing = await cli(["init"]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /Missing argument <name>/);
});

Deno.test("failures exit 1 with an actionable message and lose nothing", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const noManifest = await cli(["validate", tmp]);
    assert.equal(noManifest.code, 1);
    const report = noManifest.out + noManifest.err;
    assert.match(report, /FAIL +openenv\.yaml exists/);

    const serve = await cli(["serve", tmp]);
    assert.equal(serve.code, 1);
    assert.match(serve.err, /No openenv\.yaml in ".*"\nhint: .*openenv init/);

    const badName = await cli(["init", "My-Env", "-o", tmp]);
    assert.equal(badName.code, 2);
    assert.match(badName.err, /hint: Try "my_env"/);

    // A non-empty target is refused and left exactly as it was.
    await Deno.mkdir(`${tmp}/taken`);
    await Deno.writeTextFile(`${tmp}/taken/keep.txt`, "mine");
    const taken = await cli(["init", "taken", "-o", tmp]);
    assert.equal(taken.code, 1);
    assert.match(taken.err, /already exists and is not empty/);
    assert.deepEqual([...Deno.readDirSync(`${tmp}/taken`)].map((e) => e.name), ["keep.txt"]);
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name).sort(), ["taken"]);

    // An existing empty folder is filled.
    await Deno.mkdir(`${tmp}/empty_env`);
    const empty = await cli(["init", "empty_env", "-o", tmp]);
    assert.equal(empty.code, 0, empty.err);
    assert.ok(Deno.statSync(`${tmp}/empty_env/openenv.yaml`).isFile);
    const config = JSON.parse(Deno.readTextFileSync(`${tmp}/empty_env/deno.json`));
    assert.equal(config.imports["@openenv/core"], "jsr:@openenv/core@^0.1.0");

    const bad = await cli(["validate", "--timeout", "0", "--url", "http://127.0.0.1:9"]);
    assert.equal(bad.code, 2);
    const conflict = await cli(["validate", tmp, "--url", "http://127.0.0.1:9"]);
    assert.equal(conflict.code, 2);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
