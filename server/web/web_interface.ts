/**
 * Mounts the web interface on a server's router: the page under `/web/`
 * (each tab plays through its own `/ws` session), its scripts and styles,
 * and the reference's routes (`/web/metadata`, `/web/reset`, `/web/step`,
 * `/web/state`, `/ws/ui`) on one shared environment.
 *
 * @module
 */
import type { Context } from "hono";
import { OpenEnvError } from "../../core/errors.ts";
import { detail, readJsonBody } from "../_body.ts";
import { internalError, jsonResponse } from "../_encoding.ts";
import { parseAction, parseResetOptions, type Runtime } from "../_runtime.ts";
import { type ErrorDetail, isPlainObject } from "../_validation.ts";
import { APP_JS } from "./_client_app.ts";
import { FORM_JS } from "./_client_form.ts";
import { renderPage } from "./_page.ts";
import { STYLE_CSS } from "./_style.ts";
import { SharedEpisode } from "./shared_episode.ts";
import type { WebViewOptions } from "./web_view.ts";

/** What {@linkcode mountWebInterface} needs from the server. */
export interface WebInterfaceContext {
  /** Registers a route (so wrong methods get 405). */
  route(
    method: "get" | "post",
    path: string,
    handler: (c: Context) => Response | Promise<Response>,
  ): void;
  /** Schemas, option filters, limits and sessions of the server. */
  rt: Runtime;
  /** `simulation` or `production`: production leaves out the shared-env control routes. */
  mode: string;
  /** The `/metadata` body, from a throwaway environment. */
  metadata(): Promise<Record<string, unknown>>;
  /** Where environment errors are reported. */
  onError(error: unknown, where: string): void;
  /** Keepalive ping interval for `/ws/ui`, in seconds (0: none). */
  pingIntervalS: number;
  /** Longest wait for the shared environment's `close()`, in milliseconds. @default {10000} */
  closeTimeoutMs?: number;
  /** A custom observation view. */
  view?: WebViewOptions;
}

/** The mounted web interface. */
export interface WebInterface {
  /** The environment behind the reference's `/web/*` routes. */
  readonly shared: SharedEpisode;
  /** Closes the shared environment and the `/ws/ui` sockets. */
  close(): Promise<void>;
}

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

function asset(body: string, type: string): Response {
  return new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    },
  });
}

function redirect(): Response {
  return new Response(null, { status: 307, headers: { location: "/web/" } });
}

function notObject(input: unknown): ErrorDetail {
  return {
    type: "dict_type",
    loc: ["body"],
    msg: "Input should be a valid dictionary",
    input,
  };
}

/**
 * Adds the web interface's routes to a server. `createApp` calls it when
 * `webInterface` (or `ENABLE_WEB_INTERFACE`) is on.
 *
 * @param ctx The server's router, runtime and hooks.
 * @returns The mounted interface, to close with the server.
 */
export function mountWebInterface(ctx: WebInterfaceContext): WebInterface {
  const { route, rt, onError } = ctx;
  const shared = new SharedEpisode(rt, {
    closeTimeoutMs: ctx.closeTimeoutMs,
    onCloseError: (error) => onError(error, "web interface close()"),
  });

  let page: string | undefined;
  const renderIndex = async (): Promise<string> => {
    if (page) return page;
    let meta: Record<string, unknown> = {};
    let ok = true;
    try {
      meta = await ctx.metadata();
    } catch (error) {
      ok = false;
      onError(error, "GET /web/ metadata");
    }
    const text = (v: unknown): string | null => typeof v === "string" ? v : null;
    const html = renderPage({
      name: text(meta.name) ?? rt.sessions.factoryName,
      description: text(meta.description) ?? "",
      readme: text(meta.readme_content),
      version: text(meta.version),
      config: {
        name: text(meta.name) ?? rt.sessions.factoryName,
        customView: ctx.view !== undefined,
        mode: ctx.mode,
      },
    });
    if (ok) page = html;
    return html;
  };

  route("get", "/", redirect);
  route("get", "/web", redirect);
  route("get", "/web/", async () =>
    new Response(await renderIndex(), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        "content-security-policy": PAGE_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
    }));
  route("get", "/web/app.js", () => asset(APP_JS, "text/javascript"));
  route("get", "/web/form.js", () => asset(FORM_JS, "text/javascript"));
  route("get", "/web/style.css", () => asset(STYLE_CSS, "text/css"));
  if (ctx.view) {
    const script = ctx.view.script;
    route("get", "/web/view.js", () => asset(script, "text/javascript"));
  }

  route("get", "/web/metadata", async () => {
    try {
      return jsonResponse(await ctx.metadata());
    } catch (error) {
      onError(error, "GET /web/metadata");
      return internalError();
    }
  });

  if (ctx.mode === "simulation") {
    route("post", "/web/reset", async (c) => {
      const body = await readJsonBody(c.req.raw, rt.maxFrameBytes);
      if (!body.ok) return body.response;
      const value = body.value ?? {};
      if (!isPlainObject(value)) return detail([notObject(value)]);
      const options = parseResetOptions(rt, value, ["body"]);
      if (!options.ok) return detail(options.errors);
      try {
        return jsonResponse(await shared.reset(options.value));
      } catch (error) {
        onError(error, "POST /web/reset");
        return internalError();
      }
    });

    route("post", "/web/step", async (c) => {
      const body = await readJsonBody(c.req.raw, rt.maxFrameBytes);
      if (!body.ok) return body.response;
      const value = body.value;
      if (!isPlainObject(value)) return detail([notObject(value ?? {})]);
      let raw: unknown = {};
      try {
        if ("action" in value) raw = value.action;
        else if ("message" in value) raw = await shared.messageToAction(value.message);
      } catch (error) {
        onError(error, "POST /web/step messageToAction()");
        return internalError();
      }
      if (!isPlainObject(raw)) {
        return detail([{
          type: "dict_type",
          loc: ["body", "action"],
          msg: "Input should be a valid dictionary",
          input: raw,
        }]);
      }
      const action = parseAction(rt, raw);
      if (!action.ok) {
        return detail(action.errors.map((e) => ({ ...e, loc: ["body", "action", ...e.loc] })));
      }
      try {
        return jsonResponse(await shared.step(action.value as Record<string, unknown>));
      } catch (error) {
        onError(error, "POST /web/step");
        return internalError();
      }
    });

    route("get", "/web/state", async () => {
      try {
        return jsonResponse(await shared.state());
      } catch (error) {
        if (error instanceof OpenEnvError && error.code === "FACTORY_ERROR") {
          onError(error, "GET /web/state");
          return internalError();
        }
        // The reference answers 409 when the environment refuses (say, before reset).
        return jsonResponse(
          { detail: error instanceof Error ? error.message : String(error) },
          409,
        );
      }
    });
  }

  route("get", "/ws/ui", (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return jsonResponse({ detail: "Expected a WebSocket upgrade" }, 426, {
        upgrade: "websocket",
      });
    }
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw, {
      idleTimeout: ctx.pingIntervalS > 0 ? ctx.pingIntervalS : undefined,
    });
    shared.attach(socket);
    return response;
  });

  return { shared, close: () => shared.close() };
}
