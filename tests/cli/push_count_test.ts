/**
 * `openenv push --count N` deploys N copies of a Space (`<repo-id>-1` ...
 * `<repo-id>-N`), for spreading rollouts over replicas, against the local
 * stand-in of the Hugging Face Hub API.
 */
import assert from "node:assert/strict";
import { startHubStandIn } from "./hub_stand_in.ts";
import { ROOT, runCli } from "./_helpers.ts";

const TOKEN = "hf_standin_token_456";

Deno.test("push --count deploys numbered copies, each with its files and variables", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "openenv-cli-count-" });
  await using hub = startHubStandIn({ token: TOKEN, user: "bob" });
  const env = { HF_ENDPOINT: hub.url, HF_TOKEN: TOKEN, HOME: tmp };
  try {
    const init = await runCli(["init", "count_env", "-o", tmp, "--core-path", ROOT]);
    assert.equal(init.code, 0, init.stderr);
    const dir = `${tmp}/count_env`;

    const dry = await runCli(
      ["push", dir, "--repo-id", "bob/counted", "--count", "3", "--dry-run"],
      {
        env,
      },
    );
    assert.equal(dry.code, 0, dry.stderr);
    for (const i of [1, 2, 3]) assert.match(dry.stdout, new RegExp(`Space bob/counted-${i} `));
    assert.equal(hub.spaces.size, 0, "a dry run sends nothing");

    const r = await runCli([
      "push",
      dir,
      "--repo-id",
      "bob/counted",
      "--count",
      "3",
      "-e",
      "MODE=x",
    ], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...hub.spaces.keys()].sort(), [
      "bob/counted-1",
      "bob/counted-2",
      "bob/counted-3",
    ]);
    for (const space of hub.spaces.values()) {
      assert.ok(space.files.has("Dockerfile"));
      assert.ok(space.files.has("openenv.yaml"));
      assert.equal(space.variables.get("MODE"), "x");
      assert.equal(space.commits.length, 1);
    }
    assert.deepEqual(hub.problems, []);
    assert.equal(r.stdout.trim().split("\n").length, 3, "one page URL per copy");

    for (
      const [args, message] of [
        [["--count", "0"], /"--count" must be an integer from 1 to 100/],
        [["--count", "2", "--create-pr"], /"--count" and "--create-pr" exclude each other/],
        [["--count", "2", "--registry", "localhost:5000"], /"--count" applies to Space pushes/],
      ] as const
    ) {
      const bad = await runCli(["push", dir, "--repo-id", "bob/counted", ...args], { env });
      assert.equal(bad.code, 2, bad.stdout + bad.stderr);
      assert.match(bad.stderr, message);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
