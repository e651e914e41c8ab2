/**
 * Test helper for the stand-in APIs: forwards an HTTP request or a
 * WebSocket to a local server, the way a cloud proxy (Kubernetes API-server
 * proxy, Daytona preview proxy) forwards to a sandbox.
 *
 * @module
 */

/** Forwards `request` to `target` + `path` (HTTP, or WebSocket when it is an upgrade). */
export async function forward(request: Request, target: string, path: string): Promise<Response> {
  const url = new URL(request.url);
  const to = `${target.replace(/\/$/, "")}${path}${url.search}`;
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    const upstream = new WebSocket(to.replace(/^http/, "ws"));
    const pending: (string | ArrayBuffer)[] = [];
    upstream.onopen = () => {
      for (const m of pending.splice(0)) upstream.send(m);
    };
    socket.onmessage = (e) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(e.data);
      else pending.push(e.data);
    };
    upstream.onmessage = (e) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
    };
    const closeBoth = (code?: number, reason?: string) => {
      for (const s of [socket, upstream]) {
        if (s.readyState === WebSocket.OPEN || s.readyState === WebSocket.CONNECTING) {
          try {
            s.close(code && code >= 3000 || code === 1000 ? code : 1000, reason);
          } catch { /* closing already */ }
        }
      }
    };
    socket.onclose = (e) => closeBoth(e.code, e.reason);
    upstream.onclose = (e) => closeBoth(e.code, e.reason);
    upstream.onerror = () => closeBoth(1011);
    return response;
  }
  const headers = new Headers(request.headers);
  headers.delete("host");
  try {
    const res = await fetch(to, {
      method: request.method,
      headers,
      body: ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer(),
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  } catch (e) {
    return new Response(`proxy error: ${(e as Error).message}`, { status: 502 });
  }
}
