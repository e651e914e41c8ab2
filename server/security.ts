/**
 * Access control for environment servers: optional bearer-token
 * authentication on every route and WebSocket, and origin checks for
 * browser WebSockets. The Python reference has neither.
 *
 * @module
 */
import { readEnvVar } from "./_env.ts";

/** Options for {@linkcode createAccessGuard} (and `createApp`'s `security`). */
export interface SecurityOptions {
  /**
   * Bearer tokens that grant access. With none, the server is open (the
   * reference's behaviour). @default {`$OPENENV_AUTH_TOKENS`, comma-separated}
   */
  authTokens?: string[];
  /** Paths reachable without a token, for health probes. @default {["/health"]} */
  publicPaths?: string[];
  /**
   * Origins (`https://app.example`) allowed to open WebSockets from a
   * browser besides the server's own; `"*"` allows any. The web interface's
   * `/ws/ui` socket and any socket authenticated by the session cookie are
   * always checked; other sockets only when this is set.
   * @default {`$OPENENV_ALLOWED_ORIGINS`, comma-separated}
   */
  allowedOrigins?: string[];
}

/** Name of the cookie the web interface uses to carry the token. */
export const AUTH_COOKIE = "openenv_token";

/** Checks a request: `null` lets it through, a response refuses it. */
export type AccessGuard = (request: Request) => Response | null;

const encoder = new TextEncoder();

/** Compares two strings in time that depends only on their lengths. */
function sameSecret(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function cookieToken(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === AUTH_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

function refuse(status: 401 | 403, detail: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="openenv"';
  return new Response(JSON.stringify({ detail }), { status, headers });
}

function readList(name: string): string[] | undefined {
  return readEnvVar(name)?.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Builds the guard `createApp` runs before every route.
 *
 * A token is taken from, in order: `Authorization: Bearer <token>`; the
 * `openenv_token` cookie (set by the web interface after
 * `/web/?token=<token>`, `SameSite=Strict`); and, for WebSocket upgrades
 * only, an `access_token` query parameter (for clients that cannot send
 * headers on a WebSocket).
 *
 * @example An app that needs a token
 * ```ts
 * import { createAccessGuard } from "@openenv/core/server";
 *
 * const guard = createAccessGuard({ authTokens: ["s3cret"] });
 * guard(new Request("http://x/reset", { method: "POST" }))?.status; // 401
 * guard(new Request("http://x/health")); // null: public
 * guard(new Request("http://x/state", { headers: { authorization: "Bearer s3cret" } })); // null
 * ```
 */
export function createAccessGuard(options: SecurityOptions = {}): AccessGuard {
  const tokens = (options.authTokens ?? readList("OPENENV_AUTH_TOKENS") ?? []).filter(Boolean);
  const publicPaths = new Set(options.publicPaths ?? ["/health"]);
  const origins = options.allowedOrigins ?? readList("OPENENV_ALLOWED_ORIGINS");
  const anyOrigin = origins?.includes("*") ?? false;
  const valid = (token: string | undefined | null): boolean =>
    token !== undefined && token !== null && token !== "" &&
    tokens.some((t) => sameSecret(t, token));

  return (request: Request): Response | null => {
    const url = new URL(request.url);
    const isSocket = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    let viaCookie = false;
    if (tokens.length > 0 && !publicPaths.has(url.pathname)) {
      const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
      if (valid(bearer)) {
        // authenticated by header
      } else if (valid(cookieToken(request))) {
        viaCookie = true;
      } else if (isSocket && valid(url.searchParams.get("access_token"))) {
        // authenticated by query (sockets only)
      } else if (
        (url.pathname === "/web/" || url.pathname === "/web") &&
        valid(url.searchParams.get("token"))
      ) {
        return null; // the web interface sets the cookie from this
      } else {
        return refuse(401, "Not authenticated: send Authorization: Bearer <token>");
      }
    }
    if (isSocket) {
      const origin = request.headers.get("origin");
      const mustCheck = viaCookie || url.pathname === "/ws/ui" || origins !== undefined;
      if (origin && mustCheck && !anyOrigin) {
        const host = request.headers.get("host") ?? url.host;
        let sameOrigin = false;
        try {
          sameOrigin = new URL(origin).host === host;
        } catch { /* "null" or garbage: not same-origin */ }
        if (!sameOrigin && !(origins ?? []).includes(origin)) {
          return refuse(403, `Origin not allowed: ${origin}`);
        }
      }
    }
    return null;
  };
}

/**
 * When `request` is the web interface's entry with a valid `?token=`,
 * answers with a redirect to the clean URL that sets the token cookie;
 * otherwise `null`.
 */
export function tokenCookieRedirect(
  request: Request,
  options: SecurityOptions = {},
): Response | null {
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  if (!token || (url.pathname !== "/web/" && url.pathname !== "/web")) return null;
  const tokens = options.authTokens ?? readList("OPENENV_AUTH_TOKENS") ?? [];
  if (!tokens.some((t) => sameSecret(t, token))) return null;
  url.searchParams.delete("token");
  const secure = url.protocol === "https:" ? "; Secure" : "";
  return new Response(null, {
    status: 303,
    headers: {
      location: `/web/${url.search}`,
      "set-cookie": `${AUTH_COOKIE}=${
        encodeURIComponent(token)
      }; Path=/; HttpOnly; SameSite=Strict${secure}`,
      "cache-control": "no-store",
    },
  });
}
