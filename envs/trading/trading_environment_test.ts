import assert from "node:assert/strict";
import { createApp } from "@openenv/core/server";
import { openRawSocket, startTestServer } from "@openenv/core/testing";
import { parseMarketCsv } from "./data.ts";
import { TradingAction, TradingObservation } from "./models.ts";
import { TradingEnvironment } from "./trading_environment.ts";

const tiny = parseMarketCsv(
  await Deno.readTextFile(new URL("./testdata/tiny.csv", import.meta.url)),
);
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-9, `${what}: expected ${b}, got ${a}`);
const act = (...actions: number[]) => ({ actions, metadata: {} });

function tinyEnv(extra: ConstructorParameters<typeof TradingEnvironment>[0] = {}) {
  return new TradingEnvironment({
    market: tiny,
    hmax: 10,
    initialAmount: 1000,
    buyCostPct: 0.01,
    sellCostPct: 0.01,
    rewardScaling: 1,
    indicators: [],
    ...extra,
  });
}

Deno.test("TradingEnvironment.step() matches hand-computed portfolio values", () => {
  const env = tinyEnv();
  const first = env.reset({ episodeId: "hand" });
  assert.equal(first.portfolio_value, 1000);
  assert.deepEqual(first.state, [1000, 10, 20, 0, 0]);

  // Day 0 (10, 20): buy 10 BBB first (largest), then 5 AAA.
  const s1 = env.step(act(0.5, 1));
  close(s1.cash, 1000 - 200 * 1.01 - 50 * 1.01, "cash after step 1");
  assert.deepEqual(s1.holdings, [5, 10]);
  close(s1.portfolio_value, 747.5 + 5 * 11 + 10 * 19, "value on day 1");
  close(s1.reward as number, 992.5 - 1000, "reward 1");
  assert.equal(s1.date, "2024-01-03");
  assert.equal(s1.done, false);

  // Day 1 (11, 19): sell 3 AAA, buy 2 BBB.
  const s2 = env.step(act(-0.3, 0.2));
  close(s2.cash, 747.5 + 33 * 0.99 - 38 * 1.01, "cash after step 2");
  assert.deepEqual(s2.holdings, [2, 12]);
  close(s2.portfolio_value, 741.79 + 2 * 12 + 12 * 21, "value on day 2");
  close(s2.reward as number, 1017.79 - 992.5, "reward 2");

  // Day 2 (12, 21): sell 10 BBB; the last day ends the episode.
  const s3 = env.step(act(0, -1));
  assert.deepEqual(s3.holdings, [2, 2]);
  close(s3.portfolio_value, 949.69 + 2 * 10 + 2 * 22, "value on day 3");
  assert.equal(s3.done, true);
  const report = s3.report!;
  close(report.final_value, 1013.69, "final value");
  close(report.total_return, 1013.69 / 1000 - 1, "total return");
  close(report.max_drawdown, 7.5 / 1000, "max drawdown");
  close(report.turnover, 531 / ((1000 + 992.5 + 1017.79 + 1013.69) / 4), "turnover");
  close(report.costs, 2 + 0.5 + 0.33 + 0.38 + 2.1, "costs");
  assert.equal(report.trades, 5);
  assert.equal(env.state.step_count, 3);
  assert.equal(env.state.episode_id, "hand");
  assert.throws(() => env.step(act(0, 0)), /episode is over/);
});

Deno.test("TradingEnvironment.step() caps buys by cash and sells by holdings", () => {
  const env = tinyEnv({ initialAmount: 35, hmax: 100 });
  env.reset({});
  const s = env.step(act(1, 1)); // wants 100 of each; cash buys 1 BBB (20.2), then 1 AAA (10.1)
  assert.deepEqual(s.holdings, [1, 1]);
  const s2 = env.step(act(-1, -1)); // sells only what it holds
  assert.deepEqual(s2.holdings, [0, 0]);
});

Deno.test("TradingEnvironment sells everything above the turbulence threshold", () => {
  const env = tinyEnv({ initialShares: [3, 1], turbulenceThreshold: -1 });
  env.reset({});
  const s = env.step(act(1, 1));
  assert.deepEqual(s.holdings, [0, 0]);
  close(s.cash, 1000 + (30 + 20) * 0.99, "cash after the forced sale");
});

Deno.test("TradingEnvironment rejects a wrong number of actions", () => {
  const env = tinyEnv();
  assert.throws(() => env.step(act(0.1)), /Expected 2 actions \(one per ticker: AAA, BBB\), got 1/);
});

Deno.test("TradingEnvironment regenerates a synthetic market from the reset seed", () => {
  const env = new TradingEnvironment({ synthetic: { days: 40, tickers: ["X", "Y"] } });
  const a = env.reset({ seed: 5 });
  const b = env.reset({ seed: 6 });
  const c = env.reset({ seed: 5 });
  assert.notDeepEqual(a.prices, b.prices);
  assert.deepEqual(a.prices, c.prices);
  assert.equal(a.state.length, 1 + 2 + 2 + 8 * 2);
});

Deno.test("trading env plays a full episode over /ws", async () => {
  const app = createApp(() => tinyEnv(), {
    action: TradingAction,
    observation: TradingObservation,
  });
  await using server = startTestServer(app);
  await using ws = await openRawSocket(server.wsUrl);
  await ws.request({ type: "reset", data: {} });
  let reply: { type: string; data: { done: boolean; observation: Record<string, unknown> } };
  let steps = 0;
  do {
    reply = await ws.request({ type: "step", data: { actions: [0.2, 0.2] } }) as typeof reply;
    assert.equal(reply.type, "observation");
    steps++;
  } while (!reply.data.done);
  assert.equal(steps, 3);
  const report = reply.data.observation.report as Record<string, number>;
  assert.equal(typeof report.sharpe_ratio, "number");
  const bad = await ws.request({ type: "step", data: { actions: [2, 0] } }) as {
    data: { code: string };
  };
  assert.equal(bad.data.code, "VALIDATION_ERROR");
});

Deno.test("the trading web interface serves its chart view", async () => {
  const { createTradingApp } = await import("./app.ts");
  await using app = createTradingApp({ webInterface: true });
  const res = await app.fetch(new Request("http://x/web/view.js"));
  assert.equal(res.status, 200);
  const script = await res.text();
  assert.match(script, /export function render\(observation, container, context\)/);
  assert.match(script, /Portfolio value this episode/);
});
