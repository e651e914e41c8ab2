/**
 * Runs the trading environment server (port `$PORT`, default 8000). Set
 * `TRADING_DATA_PATH` to an OHLCV CSV to trade real data; otherwise a seeded
 * synthetic market is used.
 *
 * @module
 */
import { serve } from "@openenv/core/server";
import { createTradingApp } from "./app.ts";
import { parseMarketCsv } from "./data.ts";

if (import.meta.main) {
  const path = Deno.env.get("TRADING_DATA_PATH");
  const market = path ? parseMarketCsv(await Deno.readTextFile(path)) : undefined;
  serve(createTradingApp({ config: { market } }), { handleSignals: true });
}
