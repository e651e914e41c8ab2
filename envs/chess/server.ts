/**
 * Runs the chess environment server: `deno task start` (port `$PORT`,
 * default 8000). Stops gracefully on SIGTERM or Ctrl-C.
 *
 * @module
 */
import { serve } from "@openenv/core/server";
import { createChessApp } from "./app.ts";

if (import.meta.main) {
  serve(createChessApp({ fromEnv: true }), { handleSignals: true });
}
