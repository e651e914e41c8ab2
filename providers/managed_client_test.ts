import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { EchoAction, EchoObservation, EchoState } from "../envs/echo/mod.ts";
import { ServerError } from "../client/mod.ts";
import { fromProcess, fromProvider, ownEnvironment } from "./managed_client.ts";
import { EchoEnv } from "../envs/echo/client.ts";
import { ProcessProvider } from "./process_provider.ts";
import type { ProcessHandle } from "./process_provider.ts";

const echo = fileURLToPath(new URL("../envs/echo", import.meta.url));

Deno.test("fromProcess: a typed, connected client that stops its environment on dispose", async () => {
  let handle: ProcessHandle;
  {
    await using env = await fromProcess({
      module: echo,
      client: { schemas: { action: EchoAction, observation: EchoObservation, state: EchoState } },
    });
    handle = env.handle as ProcessHandle;
    const first = await env.reset();
    assert.equal(first.observation.echoed_message, "Echo environment ready!");
    const result = await env.step({ message: "hello", metadata: {} });
    assert.equal(result.observation.echoed_message, "hello");
    assert.equal(result.reward, 0.5);
    assert.equal((await env.state()).step_count, 1);
  }
  const status = await handle.exited;
  assert.equal(status.code, 0);
});

Deno.test("fromProvider: server errors pass through and close stops the environment", async () => {
  await using provider = new ProcessProvider();
  const env = await fromProvider(provider, { module: echo });
  const error = await env.step({ wrong: true }).then(() => assert.fail("should fail"), (e) => e);
  assert.ok(error instanceof ServerError, String(error));
  assert.equal(error.code, "VALIDATION_ERROR");
  await env.close();
  assert.equal((await (env.handle as ProcessHandle).exited).code, 0);
  await env.close(); // idempotent
});

Deno.test("ownEnvironment: a typed client class (EchoEnv) that stops its environment on dispose", async () => {
  await using provider = new ProcessProvider();
  const handle = await provider.start({ module: echo });
  {
    await using env = ownEnvironment(new EchoEnv(handle.baseUrl), handle);
    assert.equal(env.handle, handle);
    const { observation } = await env.echo("typed");
    assert.equal(observation.echoed_message, "typed");
  }
  assert.equal((await handle.exited).code, 0, "disposing the client stopped the process");
});
