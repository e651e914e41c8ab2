import assert from "node:assert/strict";
import { parseManifest } from "./manifest.ts";
import { spaceReadme, stageSpaceFiles } from "./space_files.ts";

const schemas = {
  action: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
  observation: { type: "object", properties: {} },
};
const text = (b?: Uint8Array) => new TextDecoder().decode(b);

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, content);
  }
  return dir;
}

Deno.test("stageSpaceFiles moves server/Dockerfile to the root and sets the base image keeping the stage", async () => {
  const dir = await folder({
    "openenv.yaml": "name: py_env\nport: 8000\n",
    "server/Dockerfile":
      'FROM python:3.11 AS builder\nRUN true\nFROM python:3.11\nCOPY --from=builder /a /a\nCMD ["x"]\n',
    "README.md": "# Py env\n",
    "pyproject.toml": "[project]\nname = 'mine'\n",
  });
  try {
    const manifest = parseManifest(await Deno.readTextFile(`${dir}/openenv.yaml`));
    const files = await stageSpaceFiles(dir, manifest, {
      interface: true,
      baseImage: "my/base:2",
      schemas,
    });
    const byPath = new Map(files.map((f) => [f.path, f]));
    assert.ok(!byPath.has("server/Dockerfile"));
    const docker = byPath.get("Dockerfile")!;
    assert.equal(docker.origin, "modified");
    assert.equal(
      text(docker.content),
      'FROM my/base:2 AS builder\nRUN true\nFROM python:3.11\nCOPY --from=builder /a /a\nENV ENABLE_WEB_INTERFACE=true\nCMD ["x"]\n',
    );
    // The user's own pyproject is kept and no package is generated over it.
    assert.equal(byPath.get("pyproject.toml")!.origin, "copied");
    assert.ok(!byPath.has("client.py"));
    // A README without front matter gets a whole block with valid colour names.
    const readme = text(byPath.get("README.md")!.content);
    assert.match(readme, /^---\ntitle: Py Env Environment Server\n/);
    assert.match(readme, /colorFrom: (red|yellow|green|blue|indigo|purple|pink|gray)\n/);
    assert.match(
      readme,
      /sdk: docker\napp_port: 8000\nbase_path: \/web\ntags:\n {2}- openenv\n {2}- deno\n---\n\n# Py env\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stageSpaceFiles changes an ARG BASE_IMAGE default and refuses to overwrite Python files", async () => {
  const dir = await folder({
    "openenv.yaml": "name: ts_env\n",
    "Dockerfile":
      'ARG BASE_IMAGE=denoland/deno:debian-2.9.6\nFROM ${BASE_IMAGE} AS build\nCMD ["run"]\n',
    "models.py": "# hand-written\n",
  });
  try {
    const manifest = parseManifest("name: ts_env\n");
    const files = await stageSpaceFiles(dir, manifest, {
      interface: false,
      baseImage: "x/y:1",
      python: false,
    });
    assert.match(
      text(files.find((f) => f.path === "Dockerfile")!.content),
      /^ARG BASE_IMAGE=x\/y:1\nFROM \$\{BASE_IMAGE\} AS build\n/,
    );
    await assert.rejects(
      stageSpaceFiles(dir, manifest, { interface: false, schemas }),
      /"models\.py" exists but there is no pyproject\.toml/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("spaceReadme keeps other keys and drops base_path when the web interface is off", () => {
  const manifest = parseManifest("name: a\nport: 7860\n");
  const out = spaceReadme(
    "---\ntitle: A\nbase_path: /web\ntags: [rl]\n---\nBody\n",
    manifest,
    false,
  );
  assert.equal(
    out,
    "---\ntitle: A\ntags:\n  - rl\n  - openenv\n  - deno\nsdk: docker\napp_port: 7860\n---\n\nBody\n",
  );
  assert.throws(
    () => spaceReadme("---\n: [\n---\n", manifest, true),
    /front matter is not valid YAML/,
  );
});
