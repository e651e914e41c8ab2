/**
 * Helpers for testing environments and servers: a real server on a free
 * port, and raw WebSocket access to the protocol.
 *
 * @example
 * ```ts ignore
 * import { openRawSocket, startTestServer } from "@openenv/core/testing";
 *
 * await using server = startTestServer(app);
 * await using ws = await openRawSocket(server.wsUrl);
 * console.log(await ws.request({ type: "reset" }));
 * ```
 *
 * @module
 */
export * from "./test_server.ts";
export * from "./openai_stand_in.ts";
