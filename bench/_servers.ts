/**
 * Internal: the servers under test, each run in its own process so the load
 * client never shares their event loop.
 *
 * `deno run -A bench/_servers.ts ours|raw [--mode production]` binds a free
 * loopback port, prints `PORT <n>` and serves until killed.
 *
 * - `ours`: the echo environment app (`createApp`), sessions unlimited.
 * - `raw`: the physical limit: `Deno.serve` echoing each WebSocket text frame
 *   back as is, and answering `POST /step` with a fixed JSON body after
 *   parsing the request, with no framework.
 *
 * @module
 */
import { createApp, type ServerMode } from "@openenv/core/server";
import { EchoAction, EchoEnvironment, EchoObservation, EchoState } from "@openenv/echo";

const RAW_STEP_REPLY =
  `{"observation":{"echoed_message":"hello","message_length":5},"reward":0.5,"done":false}`;

function rawHandler(request: Request): Response | Promise<Response> {
  if (request.headers.get("upgrade") === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  }
  return request.json().then(() =>
    new Response(RAW_STEP_REPLY, { headers: { "content-type": "application/json" } })
  );
}

if (import.meta.main) {
  const [kind] = Deno.args;
  const mode: ServerMode = Deno.args.includes("production") ? "production" : "simulation";
  let handler: (request: Request) => Response | Promise<Response>;
  if (kind === "ours") {
    const app = createApp(() => new EchoEnvironment(), {
      name: "echo_env",
      action: EchoAction,
      observation: EchoObservation,
      state: EchoState,
      maxConcurrentEnvs: 1_000_000,
      mode,
      onError: () => {},
    });
    handler = (request) => app.fetch(request);
  } else if (kind === "raw") {
    handler = rawHandler;
  } else {
    console.error(`Unknown server kind "${kind}": use "ours" or "raw"`);
    Deno.exit(2);
  }
  // Exit cleanly on SIGTERM so flags like --cpu-prof write their output.
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
  Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: ({ port }) => console.log(`PORT ${port}`),
  }, handler);
}
