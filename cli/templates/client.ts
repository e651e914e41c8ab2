/**
 * The typed client of a new environment (`client.ts`) and its test.
 *
 * @module
 */
import type { EnvNames } from "./names.ts";

/** `client.ts` and `client_test.ts`: a typed `EnvClient` for the environment. */
export function clientTs(n: EnvNames): Map<string, string> {
  const c = n.className;
  const client = `/**
 * Typed client of ${n.name}: one session over the \`/ws\` WebSocket, with
 * actions checked and observations parsed by the environment's own schemas.
 *
 * @example
 * \`\`\`ts ignore
 * import { ${c}Client } from "./client.ts";
 *
 * await using env = new ${c}Client("http://127.0.0.1:8000");
 * await env.reset();
 * const { observation, reward } = await env.step({ message: "hello", metadata: {} });
 * \`\`\`
 *
 * @module
 */
import { EnvClient, type EnvClientOptions } from "@openenv/core/client";
import {
  ${c}Action,
  ${c}Observation,
  ${c}State,
} from "./models.ts";

/** Client options, minus the schemas (the client brings its own). */
export type ${c}ClientOptions = Omit<
  EnvClientOptions<${c}Action, ${c}Observation, ${c}State>,
  "schemas"
>;

/** A typed session with a ${n.name} server. */
export class ${c}Client extends EnvClient<${c}Action, ${c}Observation, ${c}State> {
  /** Connects lazily to \`baseUrl\` (http or https; the client uses \`/ws\`). */
  constructor(baseUrl: string, options: ${c}ClientOptions = {}) {
    super(baseUrl, {
      ...options,
      schemas: { action: ${c}Action, observation: ${c}Observation, state: ${c}State },
    });
  }
}
`;
  const test = `import assert from "node:assert/strict";
import { startTestServer } from "@openenv/core/testing";
import app from "./app.ts";
import { ${c}Client } from "./client.ts";

Deno.test("the typed client plays an episode", async () => {
  await using server = startTestServer(app);
  await using env = new ${c}Client(server.url);
  const first = await env.reset({ episodeId: "client-test" });
  assert.equal(first.done, false);
  const result = await env.step({ message: "hello", metadata: {} });
  assert.equal(result.observation.echoed_message, "hello");
  assert.equal(result.reward, 0.5);
  const state = await env.state();
  assert.equal(state.episode_id, "client-test");
  assert.equal(state.step_count, 1);
});
`;
  return new Map([["client.ts", client], ["client_test.ts", test]]);
}
