/**
 * A local stand-in for the subset of Daytona's REST API the provider uses
 * (no Daytona account is reachable from here): `POST /sandbox`,
 * `GET /sandbox/:id` (state moves from `creating` to `started`),
 * `GET /sandbox?labels=…`, `DELETE /sandbox/:id`, the toolbox's
 * `POST /toolbox/:id/toolbox/process/execute`, and
 * `GET /sandbox/:id/ports/:port/preview-url` with a token-checking preview
 * proxy. A "sandbox" is a temporary directory standing in for its
 * filesystem (`/tmp/openenv-*` files in commands map to `<dir>/tmp/`); commands really run
 * with `sh -c`, so the server it starts is a real process.
 *
 * @module
 */
import { forward } from "../../testdata/forward.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Sandbox {
  object: Json;
  dir: string;
  polls: number;
  /** Process groups of its commands (each exec runs under setsid). */
  groups: number[];
}

/** A running stand-in. */
export interface DaytonaStandIn extends AsyncDisposable {
  /** The API base URL (`…/api`). */
  apiUrl: string;
  /** Every API request, in order. */
  requests: { method: string; path: string; body?: Json; auth: string | null }[];
  /** Preview requests and the token they carried. */
  previews: { path: string; token: string | null }[];
  /** Live sandboxes by id. */
  sandboxes: Map<string, Sandbox>;
  /** Deletes every sandbox and stops the server. */
  close(): Promise<void>;
}

/** Ends every process the sandbox ran, the way deleting a real sandbox (a container) does. */
async function killAll(sandbox: Sandbox): Promise<void> {
  for (const group of sandbox.groups) {
    try {
      Deno.kill(-group, "SIGKILL"); // the whole process group of that exec
    } catch { /* already gone */ }
  }
  sandbox.groups = [];
  await new Promise((r) => setTimeout(r, 50));
}

/**
 * Starts the stand-in.
 *
 * @param images Image names it can "build"; others end in `build_failed`.
 * @param apiKey The API key it accepts.
 */
export function startDaytonaStandIn(images: string[], apiKey: string): DaytonaStandIn {
  const sandboxes = new Map<string, Sandbox>();
  const requests: DaytonaStandIn["requests"] = [];
  const previews: DaytonaStandIn["previews"] = [];
  let base = "";

  const error = (statusCode: number, message: string) =>
    Response.json({ statusCode, message, error: "Error" }, { status: statusCode });

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    let m = path.match(/^\/preview\/([^/]+)\/(\d+)(\/.*)?$/);
    if (m) {
      const sandbox = sandboxes.get(m[1]);
      const token = request.headers.get("x-daytona-preview-token");
      previews.push({ path: m[3] ?? "/", token });
      if (!sandbox) return error(404, "Sandbox not found");
      if (!sandbox.object.public && token !== sandbox.object.authToken) {
        return error(401, "Preview token is missing or invalid");
      }
      return forward(request, `http://127.0.0.1:${m[2]}`, m[3] ?? "/");
    }
    const body = request.method === "POST"
      ? await request.json().catch(() => undefined)
      : undefined;
    const auth = request.headers.get("authorization");
    requests.push({ method: request.method, path: path + url.search, body, auth });
    if (auth !== `Bearer ${apiKey}`) return error(401, "Unauthorized");

    if (path === "/api/sandbox" && request.method === "POST") {
      const from = String(body?.buildInfo?.dockerfileContent ?? "").match(/^FROM (\S+)/)?.[1];
      if (!body?.snapshot && !from) return error(400, "Either snapshot or buildInfo is required");
      const id = crypto.randomUUID();
      const dir = await Deno.makeTempDir({ prefix: "daytona-sandbox-" });
      await Deno.mkdir(`${dir}/tmp`);
      const object = {
        id,
        state: "creating",
        env: body.env ?? {},
        labels: body.labels ?? {},
        public: body.public ?? false,
        authToken: crypto.randomUUID().replaceAll("-", ""),
        image: from,
        snapshot: body.snapshot,
      };
      sandboxes.set(id, { object, dir, polls: 0, groups: [] });
      return Response.json(object);
    }
    if (path === "/api/sandbox" && request.method === "GET") {
      const wanted = JSON.parse(url.searchParams.get("labels") ?? "{}");
      const items = [...sandboxes.values()].map((s) => s.object).filter((o) =>
        Object.entries(wanted).every(([k, v]) => o.labels[k] === v)
      );
      return Response.json({ items, total: items.length, page: 1, totalPages: 1 });
    }
    m = path.match(/^\/api\/sandbox\/([^/]+)(?:\/ports\/(\d+)\/preview-url)?$/);
    if (m) {
      const sandbox = sandboxes.get(m[1]);
      if (!sandbox) return error(404, `Sandbox with ID ${m[1]} not found`);
      if (m[2]) {
        return Response.json({
          url: `${base}/preview/${m[1]}/${m[2]}`,
          token: sandbox.object.authToken,
          legacyProxyUrl: `${base}/preview/${m[1]}/${m[2]}`,
        });
      }
      if (request.method === "DELETE") {
        await killAll(sandbox);
        sandboxes.delete(m[1]);
        await Deno.remove(sandbox.dir, { recursive: true });
        return new Response(null, { status: 200 });
      }
      // The sandbox "boots" over a couple of polls; an unknown image fails its build.
      if (sandbox.object.state === "creating" && ++sandbox.polls >= 2) {
        if (sandbox.object.image && !images.includes(sandbox.object.image)) {
          sandbox.object.state = "build_failed";
          sandbox.object.errorReason = `failed to pull image "${sandbox.object.image}"`;
        } else sandbox.object.state = "started";
      }
      return Response.json(sandbox.object);
    }
    m = path.match(/^\/api\/toolbox\/([^/]+)\/toolbox\/process\/execute$/);
    if (m && request.method === "POST") {
      const sandbox = sandboxes.get(m[1]);
      if (!sandbox) return error(404, "Sandbox not found");
      if (sandbox.object.state !== "started") return error(400, "Sandbox is not started");
      const command = String(body?.command ?? "").replaceAll(
        "/tmp/openenv-",
        `${sandbox.dir}/tmp/openenv-`,
      );
      const child = new Deno.Command("setsid", {
        args: ["sh", "-c", command],
        cwd: sandbox.dir,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: sandbox.dir,
          ...sandbox.object.env,
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      sandbox.groups.push(child.pid);
      const out = await child.output();
      const d = new TextDecoder();
      return Response.json({
        exitCode: out.code,
        result: d.decode(out.stdout) + d.decode(out.stderr),
      });
    }
    return error(404, `Cannot ${request.method} ${path}`);
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  base = `http://127.0.0.1:${server.addr.port}`;
  const close = async () => {
    for (const sandbox of sandboxes.values()) {
      await killAll(sandbox);
      await Deno.remove(sandbox.dir, { recursive: true }).catch(() => {});
    }
    sandboxes.clear();
    await server.shutdown();
  };
  return {
    apiUrl: `${base}/api`,
    requests,
    previews,
    sandboxes,
    close,
    [Symbol.asyncDispose]: close,
  };
}
