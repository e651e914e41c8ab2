/**
 * A test environment that tries, on each step, one thing a sandboxed
 * environment must not be able to do, and reports what happened.
 *
 * @module
 */
import { z } from "zod";
import { ActionSchema, Environment, ObservationSchema, type State } from "../../../core/mod.ts";
import { createApp } from "../../../server/mod.ts";

const Probe = ActionSchema.extend({
  probe: z.enum([
    "read",
    "write",
    "env",
    "run",
    "net",
    "listen",
    "ffi",
    "sys",
    "npm",
    "remote",
    "import",
  ]),
  target: z.string().default(""),
});
const Outcome = ObservationSchema.extend({ outcome: z.string().default("") });
type Probe = z.infer<typeof Probe>;
type Outcome = z.infer<typeof Outcome>;

async function attempt(action: Probe): Promise<unknown> {
  const t = action.target;
  switch (action.probe) {
    case "read":
      return (await Deno.readTextFile(t)).length;
    case "write":
      return await Deno.writeTextFile(t, "written by a sandboxed environment");
    case "env":
      return Deno.env.get(t) ?? "(unset)";
    case "run":
      return (await new Deno.Command(t).output()).code;
    case "net": {
      const [hostname, port] = t.includes(":") ? t.split(":") : ["127.0.0.1", t];
      const conn = await Deno.connect({ hostname, port: Number(port) });
      conn.close();
      return "connected";
    }
    case "listen": {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(t) });
      listener.close();
      return "listening";
    }
    case "ffi":
      return Deno.dlopen(t, {});
    case "sys":
      return Deno.hostname();
    case "npm":
    case "remote":
    case "import":
      // Not statically analyzable on purpose: the bundler cannot inline it.
      return Object.keys(await import(t));
  }
}

class ProbeEnv extends Environment<Probe, Outcome> {
  #state: State = { episode_id: null, step_count: 0 };
  reset(): Outcome {
    return { outcome: "ready", done: false, reward: null, metadata: {} };
  }
  async step(action: Probe): Promise<Outcome> {
    this.#state.step_count++;
    try {
      return {
        outcome: `ok: ${JSON.stringify(await attempt(action))}`,
        done: false,
        reward: 1,
        metadata: {},
      };
    } catch (e) {
      const error = e as Error;
      return { outcome: `${error.name}: ${error.message}`, done: false, reward: 0, metadata: {} };
    }
  }
  get state(): State {
    return this.#state;
  }
}

export default createApp(() => new ProbeEnv(), { action: Probe, observation: Outcome });
