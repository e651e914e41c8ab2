// The trading image built from envs/trading/Dockerfile, run by our
// DockerProvider: a whole episode over /ws on the default synthetic market
// (252 days) ends with an episode report, and the container is gone after.
import assert from "node:assert/strict";
import { DockerProvider } from "@openenv/core/providers/docker";
import { openRawSocket } from "@openenv/core/testing";
import { buildEnvImage, containerExists } from "../coding/_test_docker.ts";

interface Step {
  type: string;
  data: {
    observation: {
      tickers: string[];
      prices: number[];
      holdings: number[];
      cash: number;
      portfolio_value: number;
      date: string;
      report: {
        total_return: number;
        sharpe_ratio: number;
        max_drawdown: number;
        turnover: number;
        trades: number;
        costs: number;
        final_value: number;
      } | null;
    };
    reward: number | null;
    done: boolean;
    message?: string;
  };
}

Deno.test("the trading image plays an episode to its report", async () => {
  const image = await buildEnvImage("trading");
  let id = "";
  {
    await using docker = new DockerProvider();
    await using env = await docker.start({ image });
    id = env.id;
    assert.ok(await containerExists(id));
    const ws = await openRawSocket(`${env.baseUrl.replace("http", "ws")}/ws`);
    try {
      const reset = await ws.request({ type: "reset", data: { seed: 7 } }, 30_000) as Step;
      assert.equal(reset.type, "observation", reset.data.message);
      const first = reset.data.observation;
      assert.deepEqual(first.tickers, ["AAA", "BBB", "CCC"]);
      assert.equal(first.cash, 1_000_000);
      assert.deepEqual(first.holdings, [0, 0, 0]);
      assert.equal(first.report, null);
      // Buy AAA on day 0 (hmax 100 shares), then hold to the end.
      let step = await ws.request({ type: "step", data: { actions: [0.5, 0, 0] } }, 30_000) as Step;
      assert.equal(step.type, "observation", step.data.message);
      assert.deepEqual(step.data.observation.holdings, [50, 0, 0]);
      const cost = 50 * first.prices[0] * 1.001;
      assert.ok(Math.abs(step.data.observation.cash - (1_000_000 - cost)) < 1e-6);
      let steps = 1;
      while (!step.data.done) {
        assert.equal(step.data.observation.report, null);
        step = await ws.request({ type: "step", data: { actions: [0, 0, 0] } }, 30_000) as Step;
        assert.equal(step.type, "observation", step.data.message);
        steps++;
      }
      assert.equal(steps, 251, "one step per trading day after the first");
      const report = step.data.observation.report;
      assert.ok(report, "the last observation carries the episode report");
      assert.equal(report.trades, 1);
      assert.ok(Math.abs(report.costs - 50 * first.prices[0] * 0.001) < 1e-6);
      assert.equal(report.final_value, step.data.observation.portfolio_value);
      assert.ok(Math.abs(report.total_return - (report.final_value / 1_000_000 - 1)) < 1e-12);
      assert.ok(report.max_drawdown >= 0 && report.max_drawdown < 1);
      assert.ok(Number.isFinite(report.sharpe_ratio));
      // A step after the end is refused with a clear error; the session survives.
      const late = await ws.request({ type: "step", data: { actions: [0, 0, 0] } }, 30_000) as {
        type: string;
      };
      assert.equal(late.type, "error");
      assert.match(JSON.stringify(late), /episode is over/);
      const state = await ws.request({ type: "state" }, 10_000) as {
        data: { step_count: number; day: number };
      };
      assert.equal(state.data.step_count, 251);
      assert.equal(state.data.day, 251);
    } finally {
      await ws.close();
    }
    const web = await fetch(`${env.baseUrl}/web/view.js`);
    assert.equal(web.status, 200);
    await web.body?.cancel();
  }
  assert.equal(await containerExists(id), false, `container ${id} was not removed`);
});
