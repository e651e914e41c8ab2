import assert from "node:assert/strict";
import { initEnvironment } from "../commands/init.ts";
import { readFrontMatter, validateFolder } from "./local.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("validateFolder passes a fresh project and names each broken part", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const dir = await initEnvironment("check_env", { outputDir: tmp, corePath: ROOT });
    const good = await validateFolder(dir, { skipTypeCheck: true });
    assert.deepEqual(good.summary.failed_criteria, []);
    assert.equal(good.passed, true);

    // Break it: a type error, no tests, a Dockerfile without CMD, a README without sdk.
    await Deno.writeTextFile(
      `${dir}/app.ts`,
      'const n: number = "x";\nexport default { fetch: () => new Response() };\n',
    );
    for await (const e of Deno.readDir(dir)) {
      if (e.name.endsWith("_test.ts")) await Deno.remove(`${dir}/${e.name}`);
    }
    await Deno.writeTextFile(`${dir}/Dockerfile`, "FROM scratch\n");
    await Deno.writeTextFile(`${dir}/README.md`, "# no front matter\n");
    const bad = await validateFolder(dir);
    assert.equal(bad.passed, false);
    assert.deepEqual(bad.summary.failed_criteria.sort(), [
      "dockerfile",
      "space_front_matter",
      "tests_present",
      "type_check",
    ]);
    const check = bad.criteria.find((c) => c.id === "type_check")!;
    assert.match(check.details ?? "", /TS2322|not assignable/);

    // A broken manifest is reported, not thrown.
    await Deno.writeTextFile(`${dir}/openenv.yaml`, "port: nope\n");
    const noManifest = await validateFolder(dir, { skipTypeCheck: true });
    const manifest = noManifest.criteria.find((c) => c.id === "manifest_valid")!;
    assert.equal(manifest.passed, false);
    assert.match(manifest.details ?? "", /"name"/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("validateFolder points a Python environment to the official validator", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/openenv.yaml`,
      "spec_version: 1\nname: echo_env\ntype: space\nruntime: fastapi\napp: server.app:app\nport: 8000\n",
    );
    const report = await validateFolder(dir);
    assert.equal(report.passed, false);
    assert.deepEqual(report.summary.failed_criteria, ["deno_environment"]);
    assert.match(report.criteria.at(-1)!.details!, /official `openenv validate`/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readFrontMatter reads YAML front matter", () => {
  assert.deepEqual(readFrontMatter("---\nsdk: docker\napp_port: 8000\n---\n# x\n"), {
    sdk: "docker",
    app_port: 8000,
  });
  assert.equal(readFrontMatter("# x\n"), null);
  assert.equal(readFrontMatter("---\n: : bad\n---\n"), null);
});
