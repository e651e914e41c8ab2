/**
 * Runs the Atari environment server (port `$PORT`, default 8000).
 *
 * @module
 */
import { serve } from "@openenv/core/server";
import { createAtariApp } from "./app.ts";

if (import.meta.main) serve(createAtariApp(), { handleSignals: true });
