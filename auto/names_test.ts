import assert from "node:assert/strict";
import {
  envKey,
  envName,
  isHubName,
  pascalName,
  spaceImage,
  spaceRepoId,
  spaceUrl,
} from "./mod.ts";

Deno.test("name normalisation like the reference: echo, echo-env, echo_env all give echo", () => {
  for (const name of ["echo", "echo-env", "echo_env", "Echo_Env"]) {
    assert.equal(envKey(name), "echo");
  }
  assert.equal(envKey("browser-gym"), "browser_gym");
  assert.equal(envKey("sumo-rl"), "sumo_rl");
  assert.equal(envName("echo"), "echo_env");
  assert.equal(envName("echo_env"), "echo_env");
  assert.equal(pascalName("echo_env"), "Echo");
  assert.equal(pascalName("browser_gym_env"), "BrowserGym");
});

Deno.test("a Hub name has a slash or is a huggingface.co URL", () => {
  assert.equal(isHubName("openenv/echo_env"), true);
  assert.equal(isHubName("https://huggingface.co/spaces/openenv/echo_env"), true);
  assert.equal(isHubName("echo"), false);
  assert.equal(isHubName("echo-env"), false);
});

Deno.test("Space URLs: '/' and '_' (and '.') become '-', lower-cased, as Hugging Face does", () => {
  assert.equal(
    spaceUrl("wukaixingxp/coding-env-test"),
    "https://wukaixingxp-coding-env-test.hf.space",
  );
  // The reference keeps '_' here and probes a host that does not exist.
  assert.equal(spaceUrl("openenv/echo_env"), "https://openenv-echo-env.hf.space");
  assert.equal(spaceUrl("My_Org/Chess.v2_env"), "https://my-org-chess-v2-env.hf.space");
  assert.equal(
    spaceUrl("https://huggingface.co/spaces/wukaixingxp/coding-env-test"),
    "https://wukaixingxp-coding-env-test.hf.space",
  );
  assert.equal(spaceRepoId("https://huggingface.co/spaces/openenv/echo_env/"), "openenv/echo_env");
  assert.equal(spaceImage("openenv/echo_env"), "registry.hf.space/openenv-echo-env:latest");
  assert.throws(() => spaceRepoId("echo"), /is not a Space: use 'owner\/space'/);
});
