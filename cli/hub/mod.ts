/**
 * The Hugging Face Hub HTTP API, as far as `push` and `fork` need it.
 *
 * @example
 * ```ts ignore
 * import { HubClient } from "@openenv/cli/lib";
 *
 * const hub = new HubClient({ token: Deno.env.get("HF_TOKEN")! });
 * console.log((await hub.whoami()).name);
 * ```
 *
 * @module
 */
export * from "./hub_client.ts";
