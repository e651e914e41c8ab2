/**
 * A local stand-in for the Hugging Face Hub HTTP API (the real Hub is
 * unreachable from here). It implements the endpoints `openenv push` and
 * `openenv fork` call, checks each request against the Hub's documented
 * shapes (as `huggingface_hub` sends them), keeps the resulting Spaces in
 * memory, and records every request. Anything else answers 404 and is
 * recorded as unexpected.
 *
 * @module
 */

/** A Space held by the stand-in. */
export interface StandInSpace {
  private: boolean;
  sdk: string;
  hardware?: string;
  files: Map<string, Uint8Array>;
  variables: Map<string, string>;
  secrets: Map<string, string>;
  commits: string[];
  pullRequests: { summary: string; files: Map<string, Uint8Array> }[];
}

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

/** The running stand-in. */
export interface HubStandIn extends AsyncDisposable {
  /** Base URL, for `HF_ENDPOINT`. */
  readonly url: string;
  /** Spaces by id. */
  readonly spaces: Map<string, StandInSpace>;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Requests that matched no endpoint or broke the documented shape. */
  readonly problems: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

const ID = "[A-Za-z0-9][\\w.-]*/[A-Za-z0-9][\\w.-]*";

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Starts the stand-in; `token` is the only accepted token, `user` its account. */
export function startHubStandIn(options: { token: string; user: string }): HubStandIn {
  const spaces = new Map<string, StandInSpace>();
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const lfs = new Map<string, Uint8Array>();
  let base = "";

  const json = (status: number, body: unknown) => Response.json(body, { status });
  const bad = (what: string) => {
    problems.push(what);
    return json(400, { error: what });
  };

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const method = req.method;
    let m: RegExpMatchArray | null;

    // LFS uploads go to the pre-signed URL without the Hub token, like real storage.
    if (method === "PUT" && (m = path.match(/^\/lfs-upload\/([0-9a-f]{64})$/))) {
      if (req.headers.get("x-upload-token") !== "signed") {
        return bad("LFS PUT without the header the batch answer gave");
      }
      const body = new Uint8Array(await req.arrayBuffer());
      if (await sha256Hex(body) !== m[1]) return bad("LFS PUT body does not match its oid");
      lfs.set(m[1], body);
      return new Response(null, { status: 200 });
    }

    if (req.headers.get("authorization") !== `Bearer ${options.token}`) {
      return json(401, { error: "Invalid credentials in Authorization header" });
    }

    if (method === "GET" && path === "/api/whoami-v2") {
      return json(200, { type: "user", name: options.user, fullname: "Stand In", orgs: [] });
    }

    if (method === "POST" && path === "/api/repos/create") {
      const body = await req.json();
      const allowed = new Set([
        "type",
        "name",
        "organization",
        "private",
        "sdk",
        "hardware",
        "visibility",
      ]);
      for (const key of Object.keys(body)) {
        if (!allowed.has(key)) return bad(`repos/create: unknown key "${key}"`);
      }
      if (body.type !== "space") return bad("repos/create: type must be space");
      if (typeof body.name !== "string" || !/^[A-Za-z0-9][\w.-]*$/.test(body.name)) {
        return bad("repos/create: bad name");
      }
      if (typeof body.organization !== "string") return bad("repos/create: organization missing");
      if (typeof body.private !== "boolean") return bad("repos/create: private must be a boolean");
      if (!["gradio", "docker", "static", "streamlit"].includes(body.sdk)) {
        return bad("repos/create: bad sdk");
      }
      const id = `${body.organization}/${body.name}`;
      if (body.organization !== options.user) {
        return json(403, {
          error: "You don't have the rights to create a space under this namespace",
        });
      }
      if (spaces.has(id)) {
        return json(409, {
          error: "You already created this space repo",
          url: `${base}/spaces/${id}`,
        });
      }
      spaces.set(id, {
        private: body.private,
        sdk: body.sdk,
        hardware: body.hardware,
        files: new Map([[".gitattributes", new TextEncoder().encode("*.bin filter=lfs\n")]]),
        variables: new Map(),
        secrets: new Map(),
        commits: [],
        pullRequests: [],
      });
      return json(200, { url: `${base}/spaces/${id}`, name: id });
    }

    if (
      method === "POST" && (m = path.match(new RegExp(`^/api/spaces/(${ID})/preupload/([^/]+)$`)))
    ) {
      if (!spaces.has(m[1])) return json(404, { error: "Repository not found" });
      const body = await req.json();
      if (!Array.isArray(body.files)) return bad("preupload: files must be a list");
      const files = [];
      for (const f of body.files) {
        if (
          typeof f.path !== "string" || typeof f.size !== "number" || typeof f.sample !== "string"
        ) {
          return bad("preupload: each file needs path, size and a base64 sample");
        }
        const sample = fromBase64(f.sample);
        if (sample.length > 512) return bad("preupload: sample longer than 512 bytes");
        // The Hub sends binary and large files through LFS.
        const binary = sample.includes(0);
        files.push({
          path: f.path,
          uploadMode: binary || f.size > 10_000_000 ? "lfs" : "regular",
          shouldIgnore: false,
        });
      }
      return json(200, { files });
    }

    if (
      method === "POST" &&
      (m = path.match(new RegExp(`^/spaces/(${ID})\\.git/info/lfs/objects/batch$`)))
    ) {
      if (req.headers.get("accept") !== "application/vnd.git-lfs+json") {
        return bad("LFS batch: wrong Accept");
      }
      if (req.headers.get("content-type") !== "application/vnd.git-lfs+json") {
        return bad("LFS batch: wrong Content-Type");
      }
      const body = await req.json();
      if (
        body.operation !== "upload" || body.hash_algo !== "sha256" || !Array.isArray(body.objects)
      ) {
        return bad("LFS batch: operation upload, hash_algo sha256 and objects required");
      }
      return json(200, {
        transfer: "basic",
        objects: body.objects.map((o: { oid: string; size: number }) => ({
          oid: o.oid,
          size: o.size,
          actions: {
            upload: { href: `${base}/lfs-upload/${o.oid}`, header: { "X-Upload-Token": "signed" } },
            verify: { href: `${base}/lfs-verify` },
          },
        })),
      });
    }

    if (method === "POST" && path === "/lfs-verify") {
      const body = await req.json();
      const blob = lfs.get(body.oid);
      if (!blob || blob.length !== body.size) return json(404, { error: "Object not uploaded" });
      return json(200, {});
    }

    if (method === "POST" && (m = path.match(new RegExp(`^/api/spaces/(${ID})/commit/([^/]+)$`)))) {
      const space = spaces.get(m[1]);
      if (!space) return json(404, { error: "Repository not found" });
      if (req.headers.get("content-type") !== "application/x-ndjson") {
        return bad("commit: Content-Type must be application/x-ndjson");
      }
      const lines = (await req.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
      if (lines[0]?.key !== "header" || typeof lines[0].value?.summary !== "string") {
        return bad("commit: the first line must be the header with a summary");
      }
      const changed = new Map<string, Uint8Array>();
      for (const line of lines.slice(1)) {
        if (line.key === "file") {
          if (line.value.encoding !== "base64") return bad("commit: file encoding must be base64");
          changed.set(line.value.path, fromBase64(line.value.content));
        } else if (line.key === "lfsFile") {
          const blob = lfs.get(line.value.oid);
          if (line.value.algo !== "sha256" || !blob || blob.length !== line.value.size) {
            return bad(`commit: lfsFile ${line.value.path} was not uploaded first`);
          }
          changed.set(line.value.path, blob);
        } else return bad(`commit: unknown key ${line.key}`);
      }
      const oid = (await sha256Hex(new TextEncoder().encode(JSON.stringify(lines)))).slice(0, 40);
      if (url.searchParams.get("create_pr") === "1") {
        space.pullRequests.push({ summary: lines[0].value.summary, files: changed });
        const num = space.pullRequests.length;
        return json(200, {
          commitOid: oid,
          commitUrl: `${base}/spaces/${m[1]}/commit/${oid}`,
          pullRequestUrl: `${base}/spaces/${m[1]}/discussions/${num}`,
        });
      }
      for (const [p, c] of changed) space.files.set(p, c);
      space.commits.push(lines[0].value.summary);
      return json(200, { commitOid: oid, commitUrl: `${base}/spaces/${m[1]}/commit/${oid}` });
    }

    if (
      method === "POST" && (m = path.match(new RegExp(`^/api/spaces/(${ID})/(variables|secrets)$`)))
    ) {
      const space = spaces.get(m[1]);
      if (!space) return json(404, { error: "Repository not found" });
      const body = await req.json();
      if (typeof body.key !== "string" || typeof body.value !== "string") {
        return bad(`${m[2]}: key and value must be strings`);
      }
      (m[2] === "variables" ? space.variables : space.secrets).set(body.key, body.value);
      return json(
        200,
        m[2] === "variables"
          ? Object.fromEntries([...space.variables].map(([k, v]) => [k, { value: v }]))
          : {},
      );
    }

    if (method === "POST" && (m = path.match(new RegExp(`^/api/spaces/(${ID})/duplicate$`)))) {
      const source = spaces.get(m[1]);
      if (!source) return json(404, { error: "Repository not found" });
      const body = await req.json();
      if (typeof body.repository !== "string" || !new RegExp(`^${ID}$`).test(body.repository)) {
        return bad("duplicate: repository must be owner/name");
      }
      if (typeof body.hardware !== "string") return bad("duplicate: hardware is required");
      if (spaces.has(body.repository)) return json(409, { error: "Repository already exists" });
      const pairs = (list: unknown) =>
        new Map(
          (Array.isArray(list) ? list : []).map((
            p: { key: string; value: string },
          ) => [p.key, p.value]),
        );
      spaces.set(body.repository, {
        private: body.private === true,
        sdk: source.sdk,
        hardware: body.hardware,
        files: new Map(source.files),
        variables: pairs(body.variables),
        secrets: pairs(body.secrets),
        commits: ["Duplicate from " + m[1]],
        pullRequests: [],
      });
      return json(200, { url: `${base}/spaces/${body.repository}` });
    }

    problems.push(`unexpected ${method} ${path}`);
    return json(404, { error: "Not found" });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const res = await handle(req);
    const path = new URL(req.url).pathname;
    requests.push({ method: req.method, path: path + new URL(req.url).search, status: res.status });
    return res;
  });
  base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  const close = () => server.shutdown();
  return { url: base, spaces, requests, problems, close, [Symbol.asyncDispose]: close };
}
