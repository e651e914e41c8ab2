/**
 * Free loopback ports.
 *
 * @module
 */

/** A port nobody listens on right now (the OS picks it); racy by nature, callers retry. */
export function freePort(hostname = "127.0.0.1"): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
