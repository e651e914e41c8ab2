// A server process whose environment throws outside any request when a step
// says "stray": from a timer, from a promise nobody awaits and from an abort
// listener (run when its session ends). Spawned by tests/faults_test.ts.
import type { Observation, StepOptions } from "../../mod.ts";
import { createApp, serve } from "../../server/mod.ts";
import { type ScriptedAction, ScriptedEnv } from "../_fixtures.ts";
import { ScriptedAction as Action } from "../_fixtures.ts";

class StrayEnv extends ScriptedEnv {
  override step(action: ScriptedAction, options: StepOptions): Promise<Observation> {
    if (action.text === "stray") {
      setTimeout(() => {
        throw new Error("stray timer");
      }, 0);
      void Promise.reject(new Error("stray rejection"));
      options.signal?.addEventListener("abort", () => {
        throw new Error("stray abort listener");
      });
    }
    return super.step(action, options);
  }
}

serve(createApp(() => new StrayEnv(), { action: Action }), {
  port: 0,
  hostname: "127.0.0.1",
  handleSignals: true,
  onListen: (a) => console.log(`listening on ${a.url}`),
});
