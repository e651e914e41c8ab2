/**
 * TypeScript sources of a new environment: models, environment class, app,
 * server entry, typed client and tests.
 *
 * @module
 */
import type { EnvNames } from "./names.ts";

/** `models.ts`: the action, observation and state schemas. */
export function modelsTs(n: EnvNames): string {
  return `/**
 * Wire models of the ${n.title} environment: what an agent sends (the action)
 * and what it gets back (the observation). The zod schemas validate every
 * request and are published at \`GET /schema\`.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { z } from "zod";

/** An action: the message to send. */
export const ${n.className}Action = ActionSchema.extend({
  message: z.string().describe("Message to echo back"),
}).describe("Action for the ${n.name} environment");

/** A value of {@linkcode ${n.className}Action}. */
export type ${n.className}Action = z.infer<typeof ${n.className}Action>;

/** An observation: the echoed message and its length. */
export const ${n.className}Observation = ObservationSchema.extend({
  echoed_message: z.string().default("").describe("The echoed message"),
  message_length: z.number().int().min(0).default(0).describe("Length of the message"),
}).describe("Observation from the ${n.name} environment");

/** A value of {@linkcode ${n.className}Observation}. */
export type ${n.className}Observation = z.infer<typeof ${n.className}Observation>;

/** Episode state: id and step count. */
export const ${n.className}State = StateSchema;

/** A value of {@linkcode ${n.className}State}. */
export type ${n.className}State = z.infer<typeof ${n.className}State>;
`;
}

/** `<name>_environment.ts`: the environment class. */
export function environmentTs(n: EnvNames): string {
  return `/**
 * The ${n.title} environment. Replace the echo logic with yours: \`reset\`
 * starts an episode, \`step\` applies one action and returns an observation
 * with a reward.
 *
 * @module
 */
import { Environment, type EnvironmentMetadata, type ResetOptions } from "@openenv/core";
import type {
  ${n.className}Action,
  ${n.className}Observation,
  ${n.className}State,
} from "./models.ts";

/** Echoes each message back, with a reward of 0.1 per character. */
export class ${n.className}Environment
  extends Environment<${n.className}Action, ${n.className}Observation, ${n.className}State> {
  #state: ${n.className}State = { episode_id: null, step_count: 0 };

  /** Starts a new episode. */
  reset(options: ResetOptions = {}): ${n.className}Observation {
    this.#state = { episode_id: options.episodeId ?? crypto.randomUUID(), step_count: 0 };
    return {
      echoed_message: "${n.title} environment ready!",
      message_length: 0,
      done: false,
      reward: 0,
      metadata: {},
    };
  }

  /** Echoes the action's message. */
  step(action: ${n.className}Action): ${n.className}Observation {
    this.#state.step_count++;
    return {
      echoed_message: action.message,
      message_length: action.message.length,
      done: false,
      reward: action.message.length * 0.1,
      metadata: { step: this.#state.step_count },
    };
  }

  /** Episode id and step count. */
  get state(): ${n.className}State {
    return { ...this.#state };
  }

  /** Shown at \`GET /metadata\`. */
  override getMetadata(): EnvironmentMetadata {
    return {
      name: "${n.name}",
      description: "${n.title}: echoes messages back with a length-based reward.",
      version: "0.1.0",
    };
  }
}
`;
}

/** `app.ts`: the server app, default-exported for `deno serve`. */
export function appTs(n: EnvNames): string {
  return `/**
 * The server app of ${n.name}: a fetch handler speaking the OpenEnv protocol
 * (HTTP, \`/ws\` sessions, \`/mcp\`). \`deno serve app.ts\` runs it as is.
 *
 * @module
 */
import { createApp, type EnvServerApp } from "@openenv/core/server";
import { ${n.className}Environment } from "./${n.name}_environment.ts";
import { ${n.className}Action, ${n.className}Observation, ${n.className}State } from "./models.ts";

/** The app. */
const app: EnvServerApp = createApp(() => new ${n.className}Environment(), {
  name: "${n.name}",
  action: ${n.className}Action,
  observation: ${n.className}Observation,
  state: ${n.className}State,
});

export default app;
`;
}

/** `server.ts`: the entry that listens on \`$PORT\` (default 8000). */
export function serverTs(n: EnvNames): string {
  return `/**
 * Starts the ${n.name} server on \`$HOST\`:\`$PORT\` (default 0.0.0.0:8000) and
 * stops gracefully on SIGTERM or Ctrl-C. \`openenv serve\` and the Dockerfile
 * run this module.
 *
 * @module
 */
import { serve } from "@openenv/core/server";
import app from "./app.ts";

if (import.meta.main) {
  let hostname = "0.0.0.0";
  try {
    hostname = Deno.env.get("HOST") || hostname;
  } catch {
    // no --allow-env=HOST: keep the default
  }
  serve(app, { hostname, handleSignals: true });
}
`;
}

/** `<name>_environment_test.ts`: unit tests of the environment, in process. */
export function environmentTestTs(n: EnvNames): string {
  return `import assert from "node:assert/strict";
import { ${n.className}Environment } from "./${n.name}_environment.ts";
import { ${n.className}Action, ${n.className}Observation } from "./models.ts";

Deno.test("reset starts a fresh episode", () => {
  const env = new ${n.className}Environment();
  const obs = env.reset({ episodeId: "episode-1" });
  assert.equal(obs.done, false);
  assert.deepEqual(env.state, { episode_id: "episode-1", step_count: 0 });
});

Deno.test("step echoes the message and rewards its length", () => {
  const env = new ${n.className}Environment();
  env.reset({});
  const obs = env.step(${n.className}Action.parse({ message: "hello" }));
  assert.equal(obs.echoed_message, "hello");
  assert.equal(obs.message_length, 5);
  assert.equal(obs.reward, 0.5);
  assert.equal(env.state.step_count, 1);
  ${n.className}Observation.parse(obs);
});

Deno.test("an action without a message is rejected", () => {
  assert.equal(${n.className}Action.safeParse({}).success, false);
});
`;
}

/** `app_test.ts`: the server on a real socket, over HTTP and \`/ws\`. */
export function appTestTs(_n: EnvNames): string {
  return `import assert from "node:assert/strict";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import app from "./app.ts";

Deno.test("the server answers health, schema and a WebSocket episode", async () => {
  await using server = startTestServer(app);
  const health = await fetch(\`\${server.url}/health\`);
  assert.deepEqual(await health.json(), { status: "healthy" });
  const schema = await (await fetch(\`\${server.url}/schema\`)).json();
  assert.ok(schema.action.properties.message);

  await using ws = await openRawSocket(server.wsUrl);
  const reset = await ws.request({ type: "reset", data: {} }) as { type: string };
  assert.equal(reset.type, "observation");
  const step = await ws.request({ type: "step", data: { message: "hi" } }) as {
    data: { observation: { echoed_message: string }; reward: number; done: boolean };
  };
  assert.equal(step.data.observation.echoed_message, "hi");
  assert.equal(step.data.reward, 0.2);
  assert.equal(step.data.done, false);
});

Deno.test("a bad action gets a 422 that names the field", async () => {
  await using server = startTestServer(app);
  const res = await fetch(\`\${server.url}/step\`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: { msg: "typo" } }),
  });
  assert.equal(res.status, 422);
  assert.match(JSON.stringify(await res.json()), /message/);
});
`;
}
