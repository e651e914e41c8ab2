// Internal: base URL handling shared by the WebSocket and HTTP clients.

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function parse(baseUrl: string, fallbackScheme: string): URL {
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") {
    throw new TypeError(
      `Invalid base URL: '${baseUrl}': pass a URL such as 'http://127.0.0.1:8000'`,
    );
  }
  const text = SCHEME.test(baseUrl.trim())
    ? baseUrl.trim()
    : `${fallbackScheme}://${baseUrl.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new TypeError(
      `Invalid base URL: '${baseUrl}': pass a URL such as 'http://127.0.0.1:8000'`,
      { cause },
    );
  }
  return url;
}

function withPath(url: URL, suffix: string): string {
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = `${path}${suffix}`;
  url.hash = "";
  return url.toString();
}

/**
 * The `/ws` URL of a base URL, as the reference client builds it: `http` →
 * `ws`, `https` → `wss`, no scheme → `ws`, trailing slashes dropped, path
 * prefix kept, then `/ws` appended (before any query string).
 */
export function toWsUrl(baseUrl: string): string {
  const url = parse(baseUrl, "ws");
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const mapped = { http: "ws", https: "wss", ws: "ws", wss: "wss" }[scheme];
  if (!mapped) {
    throw new TypeError(
      `Unsupported URL scheme '${scheme}' in '${baseUrl}': use http, https, ws or wss`,
    );
  }
  // URL refuses to switch between special and non-special schemes, so rebuild.
  const rebuilt = new URL(`${mapped}://${url.host}${url.pathname}${url.search}`);
  return withPath(rebuilt, "/ws");
}

/**
 * The HTTP base URL (no trailing slash) of a base URL: `ws` → `http`, `wss`
 * → `https`, no scheme → `http`.
 */
export function toHttpBase(baseUrl: string): string {
  const url = parse(baseUrl, "http");
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const mapped = { http: "http", https: "https", ws: "http", wss: "https" }[scheme];
  if (!mapped) {
    throw new TypeError(
      `Unsupported URL scheme '${scheme}' in '${baseUrl}': use http, https, ws or wss`,
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  return `${mapped}://${url.host}${path}`;
}

/** Joins an HTTP base and a route, keeping the base's path prefix. */
export function joinRoute(base: string, route: string): string {
  return `${base}${route}`;
}
