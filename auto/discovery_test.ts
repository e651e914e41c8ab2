import assert from "node:assert/strict";
import { discoverEnvironments, findWorkspaceRoot, readEnvironment } from "./mod.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("the workspace's environment packages are discovered from their manifests", async () => {
  assert.equal(await findWorkspaceRoot(`${ROOT}/auto`), ROOT);
  const all = await discoverEnvironments({ root: ROOT });
  const echo = all.find((e) => e.key === "echo");
  assert.ok(echo, `echo among ${all.map((e) => e.key)}`);
  assert.equal(echo.name, "echo_env");
  assert.equal(echo.directory, `${ROOT}/envs/echo`);
  assert.equal(echo.packageName, "@openenv/echo");
  assert.equal(echo.entry, `${ROOT}/envs/echo/mod.ts`);
  assert.equal(echo.specVersion, 1);
  assert.equal(echo.actionExport, "EchoAction");
  assert.equal(echo.observationExport, "EchoObservation");
  assert.equal(echo.stateExport, "EchoState");
  assert.equal(echo.dockerImage, "echo-env:latest");
  // Sorted by key, no duplicates.
  const keys = all.map((e) => e.key);
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(new Set(keys).size, keys.length);
});

Deno.test("extra paths: canonical and legacy manifests, directories without one skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/browser-gym`);
    await Deno.writeTextFile(
      `${dir}/browser-gym/openenv.yaml`,
      "spec_version: 1\nname: browser_gym_env\ntype: space\nruntime: deno\napp: app.ts\nport: 8000\n",
    );
    await Deno.mkdir(`${dir}/coding`);
    await Deno.writeTextFile(
      `${dir}/coding/openenv.yaml`,
      'name: coding_env\nversion: "0.1.0"\ndescription: "Coding environment"\naction: CodeAction\nobservation: CodeObservation\n',
    );
    await Deno.writeTextFile(
      `${dir}/coding/deno.json`,
      '{"name":"@x/coding","exports":"./main.ts"}',
    );
    await Deno.mkdir(`${dir}/not-an-env`);
    const found = await discoverEnvironments({ root: "/", paths: [dir] });
    assert.deepEqual(found.map((e) => e.key), ["browser_gym", "coding"]);
    const [gym, coding] = found;
    assert.equal(gym.actionExport, "BrowserGymAction");
    assert.equal(gym.description, "browser_gym_env environment");
    assert.equal(gym.entry, null);
    assert.equal(coding.actionExport, "CodeAction");
    assert.equal(coding.observationExport, "CodeObservation");
    assert.equal(coding.description, "Coding environment");
    assert.equal(coding.entry, `${dir}/coding/main.ts`);
    assert.equal(coding.packageName, "@x/coding");
    // A path that is itself an environment directory works too.
    assert.deepEqual(
      (await discoverEnvironments({ root: "/", paths: [`${dir}/coding`] })).length,
      1,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad manifests and paths give clear errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => readEnvironment(dir), /No openenv.yaml in/);
    await Deno.writeTextFile(`${dir}/openenv.yaml`, "- just\n- a list\n");
    await assert.rejects(() => readEnvironment(dir), /must be a YAML mapping/);
    await Deno.writeTextFile(`${dir}/openenv.yaml`, "name: [unclosed\n");
    await assert.rejects(() => readEnvironment(dir), /is not valid YAML/);
    await assert.rejects(
      () => discoverEnvironments({ root: "/", paths: [`${dir}/missing`] }),
      /Cannot search '.*missing' for environments/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
