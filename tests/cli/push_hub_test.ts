/**
 * `openenv push` and `openenv fork` against a local stand-in of the Hugging
 * Face Hub API (the real Hub is unreachable here), and the generated Python
 * client package installed with pip and driving one of our servers through
 * the official OpenEnv classes.
 */
import assert from "node:assert/strict";
import { ensureVenvs, VENVS } from "../interop/_python.ts";
import { startHubStandIn } from "./hub_stand_in.ts";
import { freePort, readAll, ROOT, runCli, spawnCli, waitHealthy } from "./_helpers.ts";

const TOKEN = "hf_standin_token_123";
const text = (b: Uint8Array | undefined) => b ? new TextDecoder().decode(b) : "";

async function makeProject(tmp: string): Promise<string> {
  const r = await runCli(["init", "demo_env", "-o", tmp, "--core-path", ROOT]);
  assert.equal(r.code, 0, r.stderr);
  const dir = `${tmp}/demo_env`;
  // Things that must not be uploaded, and one binary file that must go through LFS.
  await Deno.writeTextFile(`${dir}/.env`, "LOCAL_SECRET=do-not-upload\n");
  await Deno.mkdir(`${dir}/node_modules/x`, { recursive: true });
  await Deno.writeTextFile(`${dir}/node_modules/x/index.js`, "1");
  await Deno.mkdir(`${dir}/assets`);
  await Deno.writeFile(`${dir}/assets/logo.bin`, new Uint8Array([0, 1, 2, 3, 0, 255]));
  await Deno.writeTextFile(`${dir}/drafts.ignore`, "# drafts\nnotes/\n");
  await Deno.mkdir(`${dir}/notes`);
  await Deno.writeTextFile(`${dir}/notes/todo.md`, "later");
  const manifest = await Deno.readTextFile(`${dir}/openenv.yaml`);
  await Deno.writeTextFile(
    `${dir}/openenv.yaml`,
    manifest + "variables:\n  LEVEL: 3\n  MODE: easy\n",
  );
  return dir;
}

Deno.test("push deploys a Space through the Hub API, then fork duplicates it", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "openenv-cli-push-" });
  await using hub = startHubStandIn({ token: TOKEN, user: "alice" });
  const env = { HF_ENDPOINT: hub.url, HF_TOKEN: TOKEN, HOME: tmp };
  try {
    const dir = await makeProject(tmp);

    await t.step("--dry-run shows the files and calls and sends nothing", async () => {
      const r = await runCli([
        "push",
        dir,
        "--dry-run",
        "--secret",
        "API_KEY=s3cret-value",
        "--exclude",
        `${dir}/drafts.ignore`,
      ], { env: { HF_ENDPOINT: hub.url, HOME: tmp } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(hub.requests.length, 0);
      assert.match(r.stdout, /generated +pyproject\.toml/);
      assert.match(r.stdout, /modified +Dockerfile .*ENABLE_WEB_INTERFACE=true/);
      assert.match(r.stdout, /POST .*\/api\/repos\/create .*"sdk":"docker"/);
      assert.match(r.stdout, /POST .*\/variables \{"key":"LEVEL","value":"3"\}/);
      assert.match(r.stdout, /"key":"API_KEY","value":"<hidden>"/);
      assert.doesNotMatch(r.stdout + r.stderr, /s3cret-value/);
      assert.doesNotMatch(r.stdout, /\.env |node_modules|notes\/todo/);
    });

    await t.step(
      "push creates the Space, uploads in one commit and sets variables and secrets",
      async () => {
        const r = await runCli([
          "push",
          dir,
          "--private",
          "-H",
          "cpu-upgrade",
          "-e",
          "MODE=hard",
          "--secret",
          "API_KEY=s3cret-value",
          "--exclude",
          `${dir}/drafts.ignore`,
        ], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(hub.problems, []);
        assert.equal(r.stdout.trim(), `${hub.url}/spaces/alice/demo-env`);
        assert.doesNotMatch(r.stdout + r.stderr, /s3cret-value/);

        const space = hub.spaces.get("alice/demo-env")!;
        assert.ok(space, "the Space was not created");
        assert.equal(space.sdk, "docker");
        assert.equal(space.private, true);
        assert.equal(space.hardware, "cpu-upgrade");
        assert.equal(space.commits.length, 1);
        const files = [...space.files.keys()];
        for (
          const f of [
            "Dockerfile",
            "README.md",
            "openenv.yaml",
            "app.ts",
            "server.ts",
            "models.ts",
            "client.ts",
            ".dockerignore",
            "pyproject.toml",
            "__init__.py",
            "client.py",
            "models.py",
            "assets/logo.bin",
          ]
        ) {
          assert.ok(files.includes(f), `${f} was not uploaded (got ${files.join(", ")})`);
        }
        for (const f of [".env", "node_modules/x/index.js", "notes/todo.md"]) {
          assert.ok(!files.includes(f), `${f} was uploaded`);
        }
        assert.deepEqual([...space.files.get("assets/logo.bin")!], [0, 1, 2, 3, 0, 255]);
        assert.match(
          text(space.files.get("Dockerfile")),
          /ENV ENABLE_WEB_INTERFACE=true\nENTRYPOINT/,
        );
        const readme = text(space.files.get("README.md"));
        assert.match(
          readme,
          /^---\n[\s\S]*sdk: docker\n[\s\S]*app_port: 8000\n[\s\S]*base_path: \/web\n[\s\S]*- openenv\n[\s\S]*---\n/,
        );
        assert.deepEqual(Object.fromEntries(space.variables), { LEVEL: "3", MODE: "hard" });
        assert.deepEqual(Object.fromEntries(space.secrets), { API_KEY: "s3cret-value" });
        const paths = hub.requests.map((q) => `${q.method} ${q.path.replace(/\?.*/, "")}`);
        assert.deepEqual(paths.slice(0, 3), [
          "GET /api/whoami-v2",
          "POST /api/repos/create",
          "POST /api/spaces/alice/demo-env/preupload/main",
        ]);
        assert.ok(paths.includes("POST /spaces/alice/demo-env.git/info/lfs/objects/batch"));
        assert.ok(paths.includes("POST /api/spaces/alice/demo-env/commit/main"));
      },
    );

    await t.step(
      "a second push updates the existing Space; --create-pr opens a pull request",
      async () => {
        const again = await runCli([
          "push",
          dir,
          "--repo-id",
          "alice/demo-env",
          "--no-python",
          "-m",
          "Second upload",
        ], { env });
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stderr, /already exists/);
        const space = hub.spaces.get("alice/demo-env")!;
        assert.deepEqual(space.commits, ["Upload demo_env with openenv push", "Second upload"]);
        const before = hub.requests.length;
        const pr = await runCli(["push", dir, "--repo-id", "alice/demo-env", "--create-pr"], {
          env,
        });
        assert.equal(pr.code, 0, pr.stderr);
        assert.equal(pr.stdout.trim(), `${hub.url}/spaces/alice/demo-env/discussions/1`);
        assert.equal(space.pullRequests.length, 1);
        const made = hub.requests.slice(before).map((q) => q.path);
        assert.ok(!made.includes("/api/repos/create"), "create-pr must not create the repo");
        assert.ok(made.every((p) => !p.includes("/variables") && !p.includes("/secrets")));
        assert.deepEqual(hub.problems, []);
      },
    );

    await t.step("--no-interface leaves the web UI off", async () => {
      const r = await runCli([
        "push",
        dir,
        "--repo-id",
        "alice/demo_headless",
        "--no-interface",
        "--no-python",
      ], { env });
      assert.equal(r.code, 0, r.stderr);
      // "_" in a Space name breaks the official AutoEnv.from_hub: warned about.
      assert.match(
        r.stderr,
        /contains "_": its app is served at https:\/\/alice-demo-headless\.hf\.space/,
      );
      const space = hub.spaces.get("alice/demo_headless")!;
      assert.doesNotMatch(text(space.files.get("Dockerfile")), /ENABLE_WEB_INTERFACE=true/);
      assert.doesNotMatch(text(space.files.get("README.md")), /base_path/);
      assert.ok(!space.files.has("pyproject.toml"));
    });

    await t.step("fork duplicates the Space with its own settings", async () => {
      const r = await runCli([
        "fork",
        "alice/demo-env",
        "--repo-id",
        "alice/demo_copy",
        "--private",
        "-e",
        "MODE=fast",
        "-s",
        "TOKEN2=zzz-hidden",
      ], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "https://alice-demo-copy.hf.space");
      assert.doesNotMatch(r.stdout + r.stderr, /zzz-hidden/);
      const copy = hub.spaces.get("alice/demo_copy")!;
      assert.ok(copy.files.has("pyproject.toml"));
      assert.equal(copy.private, true);
      assert.equal(copy.hardware, "cpu-basic");
      assert.deepEqual(Object.fromEntries(copy.variables), { MODE: "fast" });
      assert.deepEqual(Object.fromEntries(copy.secrets), { TOKEN2: "zzz-hidden" });
      const missing = await runCli(["fork", "alice/nope"], { env });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /HTTP 404/);
    });

    await t.step("a refused token fails with a hint; flag conflicts are usage errors", async () => {
      const r = await runCli(["push", dir], { env: { ...env, HF_TOKEN: "hf_wrong" } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /HTTP 401/);
      assert.match(r.stderr, /settings\/tokens/);
      const none = await runCli(["push", dir], { env: { HF_ENDPOINT: hub.url, HOME: tmp } });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /No Hugging Face token/);
      const conflict = await runCli([
        "push",
        dir,
        "--registry",
        "localhost:5000",
        "--secret",
        "A=b",
      ], { env });
      assert.equal(conflict.code, 2);
      const both = await runCli(["push", dir, "--interface", "--no-interface"], { env });
      assert.equal(both.code, 2);
      const badVar = await runCli(["push", dir, "--secret", "novalue"], { env });
      assert.equal(badVar.code, 2);
      assert.doesNotMatch(badVar.stderr, /novalue/);
    });

    await t.step("the pushed Python package installs with pip and drives our server", async () => {
      await ensureVenvs();
      const space = hub.spaces.get("alice/demo-env")!;
      const checkout = `${tmp}/checkout`;
      for (const [path, content] of space.files) {
        await Deno.mkdir(`${checkout}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
        await Deno.writeFile(`${checkout}/${path}`, content);
      }
      // A fresh venv that sees the official OpenEnv of the interop venv (no download needed).
      const venv = `${tmp}/venv`;
      const run = async (cmd: string, args: string[], extra: Record<string, string> = {}) => {
        const out = await new Deno.Command(cmd, {
          args,
          env: { TMPDIR: tmp, ...extra },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const t = new TextDecoder();
        assert.ok(
          out.success,
          `${cmd} ${args.join(" ")} failed:\n${t.decode(out.stdout)}${t.decode(out.stderr)}`,
        );
        return t.decode(out.stdout);
      };
      await run("python3", ["-m", "venv", venv]);
      const site = (await run(`${venv}/bin/python`, [
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['purelib'])",
      ])).trim();
      const officialSite = (await run(`${VENVS[1].dir}/bin/python`, [
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['purelib'])",
      ])).trim();
      await Deno.writeTextFile(`${site}/official_openenv.pth`, officialSite + "\n");
      await run(`${venv}/bin/pip`, [
        "install",
        "--quiet",
        "--disable-pip-version-check",
        checkout,
      ]);

      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = spawnCli(["serve", dir, "--port", String(port)]);
      const logs = Promise.all([readAll(server.stdout), readAll(server.stderr)]);
      try {
        await waitHealthy(url);
        const out = JSON.parse(
          await run(`${venv}/bin/python`, [
            `${ROOT}/tests/cli/py/space_client.py`,
            "demo_env",
            url,
          ]),
        );
        assert.deepEqual(out, {
          is_env_client: true,
          reset_done: false,
          echoed: "hello",
          length: 5,
          reward: 0.5,
          step_count: 1,
          observation_type: "DemoObservation",
          discovered: "demo_env.client.DemoEnv",
        });
      } finally {
        server.kill("SIGTERM");
        await server.status;
        await logs;
      }
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
