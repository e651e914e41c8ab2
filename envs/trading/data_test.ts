import assert from "node:assert/strict";
import { MarketDataError, parseMarketCsv, syntheticMarket } from "./data.ts";
import { computeIndicators, computeTurbulence } from "./indicators.ts";

Deno.test("parseMarketCsv() reads columns in any order and aliases", () => {
  const m = parseMarketCsv(
    "close,symbol,date,open,high,low,volume\n1,B,2024-01-02,1,1,1,5\n2,A,2024-01-02,2,2,2,5\n",
  );
  assert.deepEqual(m.tickers, ["A", "B"]);
  assert.equal(m.bars[0][0].close, 2);
});

Deno.test("parseMarketCsv() names the problem and the line", () => {
  const header = "date,ticker,open,high,low,close,volume\n";
  const cases: [string, RegExp][] = [
    ["date,ticker,open\n", /missing column\(s\) "high", "low", "close", "volume"/],
    [header + "2024-01-02,A,1,1,1,x,5\n", /line 2: close "x" is not a non-negative number/],
    [header + "02/01/2024,A,1,1,1,1,5\n", /line 2: date "02\/01\/2024" is not YYYY-MM-DD/],
    [header + "2024-01-02,A,1,1,2,1,5\n", /line 2: high 1 is below low 2/],
    [header + "2024-01-02,A,1,1,1,1\n", /line 2: expected 7 cells, found 6/],
    [header + "2024-01-02,A,1,1,1,1,5\n2024-01-02,A,1,1,1,1,5\n", /duplicate row for ticker "A"/],
    [
      header + "2024-01-02,A,1,1,1,1,5\n2024-01-02,B,1,1,1,1,5\n2024-01-03,A,1,1,1,1,5\n",
      /date 2024-01-03 has no row for "B"/,
    ],
    [header, /no rows/],
  ];
  for (const [csv, message] of cases) {
    assert.throws(() => parseMarketCsv(csv), (e: unknown) => {
      assert.ok(e instanceof MarketDataError);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("syntheticMarket() is deterministic per seed and skips weekends", () => {
  const a = syntheticMarket({ seed: 1, days: 10 });
  const b = syntheticMarket({ seed: 1, days: 10 });
  assert.deepEqual(a, b);
  for (const d of a.dates) assert.ok(![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  assert.notDeepEqual(a, syntheticMarket({ seed: 2, days: 10 }));
});

Deno.test("computeIndicators() fills warm-up days and matches a simple moving average", () => {
  const m = syntheticMarket({ seed: 4, days: 70, tickers: ["A"] });
  const v = computeIndicators(m, ["close_30_sma", "rsi_30"]);
  assert.equal(v[0][0][0], m.bars[0][0].close); // warm-up: the close itself
  assert.equal(v[0][0][1], 0);
  const closes = m.bars.slice(40, 70).map((r) => r[0].close);
  const sma = closes.reduce((s, c) => s + c, 0) / 30;
  assert.ok(Math.abs(v[69][0][0] - sma) < 1e-9);
  assert.ok(v[69][0][1] > 0 && v[69][0][1] < 100);
});

Deno.test("computeTurbulence() is zero until the window fills, then non-negative", () => {
  const m = syntheticMarket({ seed: 9, days: 60, tickers: ["A", "B"] });
  const t = computeTurbulence(m, 20);
  assert.ok(t.slice(0, 21).every((x) => x === 0));
  assert.ok(t.slice(21).every((x) => x >= 0));
  assert.ok(t.slice(21).some((x) => x > 0));
});
