/**
 * The Daytona provider: an environment in a Daytona sandbox, through
 * Daytona's REST API with `fetch` (sandbox create and delete, toolbox
 * process execute, port preview URL with its token).
 *
 * Tested against a local stand-in of the API (no Daytona account is
 * reachable from the CI machine); see docs/PROVIDERS.md.
 *
 * @example
 * ```ts ignore
 * import { DaytonaProvider } from "@openenv/core/providers/daytona";
 * import { fromProvider } from "@openenv/core/providers";
 *
 * await using daytona = new DaytonaProvider({ apiKey: Deno.env.get("DAYTONA_API_KEY") });
 * await using env = await fromProvider(daytona, { image: "ghcr.io/me/echo-env:1.0" });
 * await env.reset();
 * ```
 *
 * @module
 */
export * from "./daytona_provider.ts";
