/**
 * End to end: `openenv init` → the project's own tests → `openenv validate`
 * (folder) → `openenv serve` → an episode with the typed TypeScript client →
 * `openenv validate --url`, checked against the official Python validator.
 */
import assert from "node:assert/strict";
import { EnvClient } from "../../client/mod.ts";
import { ensureVenvs, VENVS } from "../interop/_python.ts";
import { freePort, readAll, ROOT, runCli, spawnCli, waitHealthy } from "./_helpers.ts";

Deno.test("init, test, validate, serve and play an episode", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "openenv-cli-e2e-" });
  try {
    const dir = `${tmp}/demo_env`;
    await t.step("init creates the project", async () => {
      const r = await runCli(["init", "demo_env", "-o", tmp, "--core-path", ROOT]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), dir);
      for (
        const f of [
          "models.ts",
          "demo_env_environment.ts",
          "app.ts",
          "server.ts",
          "client.ts",
          "openenv.yaml",
          "Dockerfile",
          "README.md",
          "deno.json",
        ]
      ) {
        await Deno.stat(`${dir}/${f}`);
      }
      assert.match(
        await Deno.readTextFile(`${dir}/README.md`),
        /^---\n[\s\S]*sdk: docker[\s\S]*base_path: \/web/,
      );
    });

    await t.step("the generated project passes its own tests", async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", "test"],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.ok(out.success, text);
      assert.match(text, /ok \| 6 passed \| 0 failed/);
    });

    await t.step("validate passes on the folder", async () => {
      const r = await runCli(["validate", dir, "--json"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.validation_type, "local_environment");
      assert.equal(report.passed, true);
      const typeCheck = report.criteria.find((c: { id: string }) => c.id === "type_check");
      assert.equal(typeCheck?.passed, true);
      assert.equal(report.summary.failed_criteria.length, 0);
    });

    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawnCli(["serve", dir, "--port", String(port)]);
    const stderr = readAll(server.stderr);
    const stdout = readAll(server.stdout);
    try {
      await t.step("serve runs it with least privilege", async () => {
        await waitHealthy(url);
      });

      await t.step("the typed client plays an episode", async () => {
        await using env = new EnvClient<{ message: string }, { echoed_message: string }>(url);
        const first = await env.reset({ episodeId: "e2e" });
        assert.equal(first.done, false);
        const step = await env.step({ message: "hello" });
        assert.equal(step.observation.echoed_message, "hello");
        assert.equal(step.reward, 0.5);
        const state = await env.state() as { episode_id: string; step_count: number };
        assert.deepEqual([state.episode_id, state.step_count], ["e2e", 1]);
      });

      await t.step("--web switches the web interface on", async () => {
        const off = await fetch(`${url}/web/`);
        await off.body?.cancel();
        assert.equal(off.status, 404);
        const webPort = freePort();
        const web = spawnCli(["serve", dir, "--port", String(webPort), "--web"]);
        const logs = Promise.all([readAll(web.stdout), readAll(web.stderr)]);
        try {
          await waitHealthy(`http://127.0.0.1:${webPort}`);
          const page = await fetch(`http://127.0.0.1:${webPort}/web/`);
          assert.equal(page.status, 200);
          assert.match(page.headers.get("content-type") ?? "", /text\/html/);
          await page.body?.cancel();
        } finally {
          web.kill("SIGTERM");
          assert.equal((await web.status).code, 0);
          await logs;
        }
      });

      await t.step("--watch restarts the server when a source file changes", async () => {
        const watchPort = freePort();
        const watchUrl = `http://127.0.0.1:${watchPort}`;
        const watcher = spawnCli(["serve", dir, "--port", String(watchPort), "--watch"]);
        const logs = Promise.all([readAll(watcher.stdout), readAll(watcher.stderr)]);
        const greeting = async () => {
          const res = await fetch(`${watchUrl}/reset`, {
            method: "POST",
            body: "{}",
            signal: AbortSignal.timeout(3000),
          });
          return (await res.json()).observation.echoed_message as string;
        };
        const source = `${dir}/demo_env_environment.ts`;
        const original = await Deno.readTextFile(source);
        try {
          await waitHealthy(watchUrl);
          assert.equal(await greeting(), "Demo Env environment ready!");
          await Deno.writeTextFile(source, original.replace("environment ready!", "reloaded!"));
          // Poll until the restarted server answers with the new code.
          const deadline = Date.now() + 60_000;
          let seen = "";
          while (Date.now() < deadline) {
            seen = await greeting().catch(() => "");
            if (seen === "Demo Env reloaded!") break;
            await new Promise((r) => setTimeout(r, 250));
          }
          assert.equal(seen, "Demo Env reloaded!");
        } finally {
          await Deno.writeTextFile(source, original);
          watcher.kill("SIGTERM");
          assert.equal((await watcher.status).code, 0);
          await logs;
        }
      });

      await t.step("validate --url passes, and the official validator agrees", async () => {
        const r = await runCli(["validate", "--url", url, "--json"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const ours = JSON.parse(r.stdout);
        assert.equal(ours.passed, true);
        assert.equal(ours.mode, "simulation");
        assert.ok(ours.summary.total_count >= 14, `only ${ours.summary.total_count} checks`);

        await ensureVenvs();
        const official = await new Deno.Command(`${VENVS[1].dir}/bin/openenv`, {
          args: ["validate", "--url", url],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const theirs = JSON.parse(new TextDecoder().decode(official.stdout));
        assert.equal(official.code, 0);
        assert.equal(theirs.passed, true);
        for (const c of theirs.criteria as { id: string; passed: boolean }[]) {
          const mine = ours.criteria.find((m: { id: string }) => m.id === c.id);
          assert.ok(mine, `our report lacks the official criterion ${c.id}`);
          assert.equal(mine.passed, c.passed, c.id);
        }
        assert.equal(ours.standard_version, theirs.standard_version);
        assert.equal(ours.standard_profile, theirs.standard_profile);
      });
    } finally {
      server.kill("SIGTERM");
      const status = await server.status;
      const log = (await stderr) + (await stdout);
      assert.equal(status.code, 0, `serve exited with ${status.code}:\n${log}`);
      assert.match(log, /--allow-net=127\.0\.0\.1:\d+ /);
      assert.doesNotMatch(log, /--allow-all|--allow-run|--allow-write/);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
