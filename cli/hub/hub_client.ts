/**
 * A small client for the Hugging Face Hub HTTP API: the calls `push` and
 * `fork` make (whoami, create a Space, preupload, LFS batch upload, commit,
 * Space variables and secrets, duplicate a Space). The endpoint comes from
 * `HF_ENDPOINT` like in `huggingface_hub`, so tests point it at a local
 * stand-in.
 *
 * @module
 */
import { CliError } from "../errors.ts";

/** The public Hub. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/** Options of {@linkcode HubClient}. */
export interface HubClientOptions {
  /** Access token (`hf_...`), sent as a bearer token. */
  token: string;
  /** Hub base URL. @default {`$HF_ENDPOINT`, else https://huggingface.co} */
  endpoint?: string;
  /** Per-request timeout in milliseconds. @default {60000} */
  timeoutMs?: number;
  /** Cancels every request. */
  signal?: AbortSignal;
}

/** A file to commit. */
export interface CommitFile {
  /** Path in the repository (POSIX). */
  path: string;
  /** Content. */
  content: Uint8Array;
}

/** Result of {@linkcode HubClient.commit}. */
export interface CommitResult {
  /** URL of the commit. */
  commitUrl: string;
  /** Commit id. */
  commitOid: string;
  /** URL of the pull request, when one was opened. */
  pullRequestUrl?: string;
}

/** Options of {@linkcode HubClient.createSpace}. */
export interface CreateSpaceOptions {
  /** Private Space. @default {false} */
  private?: boolean;
  /** Hardware flavor, e.g. `cpu-basic`. */
  hardware?: string;
  /** A Space that already exists is fine. @default {true} */
  existOk?: boolean;
}

/** Options of {@linkcode HubClient.duplicateSpace}. */
export interface DuplicateSpaceOptions {
  /** New Space id (`owner/name`). @default {your account, same name} */
  toId?: string;
  /** Private copy. @default {false} */
  private?: boolean;
  /** Hardware flavor (the Hub requires one). @default {"cpu-basic"} */
  hardware?: string;
  /** Public variables of the copy. */
  variables?: Record<string, string>;
  /** Secrets of the copy. */
  secrets?: Record<string, string>;
}

/** An HTTP error from the Hub, with its status. */
export class HubError extends CliError {
  /** HTTP status. */
  readonly status: number;

  /** Creates the error. */
  constructor(message: string, status: number, hint?: string) {
    super(message, { hint });
    this.name = "HubError";
    this.status = status;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Talks to the Hub with a token.
 *
 * @example
 * ```ts ignore
 * import { HubClient } from "@openenv/cli/lib";
 *
 * const hub = new HubClient({ token: Deno.env.get("HF_TOKEN")! });
 * const { name } = await hub.whoami();
 * await hub.createSpace(`${name}/my-env`, { private: true });
 * ```
 */
export class HubClient {
  /** Base URL of the Hub. */
  readonly endpoint: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #signal?: AbortSignal;

  /** Creates a client; the token is never logged. */
  constructor(options: HubClientOptions) {
    let envEndpoint: string | undefined;
    try {
      envEndpoint = Deno.env.get("HF_ENDPOINT");
    } catch { /* no env permission */ }
    this.endpoint = (options.endpoint ?? envEndpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#signal = options.signal;
  }

  async #request(
    method: string,
    path: string,
    init: {
      json?: unknown;
      body?: BodyInit;
      headers?: Record<string, string>;
      absolute?: boolean;
    } = {},
  ): Promise<Response> {
    const url = init.absolute ? path : `${this.endpoint}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      "user-agent": "openenv-deno-cli/0.1.0",
      ...init.headers,
    };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const signals = [AbortSignal.timeout(this.#timeoutMs), ...(this.#signal ? [this.#signal] : [])];
    try {
      return await fetch(url, { method, headers, body, signal: AbortSignal.any(signals) });
    } catch (error) {
      const reason = (error as Error).name === "TimeoutError"
        ? `no answer within ${this.#timeoutMs / 1000}s`
        : (error as Error).message;
      throw new CliError(`${method} ${url} failed: ${reason}`, {
        cause: error,
        hint: "Check the network and HF_ENDPOINT.",
      });
    }
  }

  async #json<T>(res: Response, what: string): Promise<T> {
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        const body = JSON.parse(text);
        if (typeof body.error === "string") message = body.error;
      } catch { /* not JSON */ }
      const hint = res.status === 401
        ? "The token was refused: create a write token at https://huggingface.co/settings/tokens and set HF_TOKEN."
        : res.status === 403
        ? "The token cannot write there: check the namespace and the token's permissions."
        : res.status === 404
        ? "Check the repository id (owner/name)."
        : undefined;
      throw new HubError(`${what} failed: HTTP ${res.status}: ${message}`, res.status, hint);
    }
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new HubError(
        `${what}: the Hub answered with non-JSON: ${text.slice(0, 120)}`,
        res.status,
      );
    }
  }

  /** The account of the token (`GET /api/whoami-v2`). */
  async whoami(): Promise<{ name: string; type?: string; orgs?: { name: string }[] }> {
    const res = await this.#request("GET", "/api/whoami-v2");
    const body = await this.#json<{ name?: string; fullname?: string; type?: string }>(
      res,
      "Checking the token (whoami)",
    );
    const name = body.name ?? body.fullname;
    if (!name) throw new HubError("The Hub's whoami answer has no account name", res.status);
    return { ...body, name };
  }

  /** Creates a Docker Space (`POST /api/repos/create`); an existing one is fine with `existOk`. */
  async createSpace(
    repoId: string,
    options: CreateSpaceOptions = {},
  ): Promise<{ url: string; created: boolean }> {
    const [organization, name] = repoId.split("/");
    const payload: Record<string, unknown> = {
      type: "space",
      name,
      organization,
      private: options.private ?? false,
      sdk: "docker",
    };
    if (options.hardware) payload.hardware = options.hardware;
    const res = await this.#request("POST", "/api/repos/create", { json: payload });
    if (res.status === 409 && options.existOk !== false) {
      await res.body?.cancel();
      return { url: `${this.endpoint}/spaces/${repoId}`, created: false };
    }
    const body = await this.#json<{ url?: string }>(res, `Creating the Space "${repoId}"`);
    return { url: body.url ?? `${this.endpoint}/spaces/${repoId}`, created: true };
  }

  /**
   * Commits files to a Space: asks the Hub which files go through LFS
   * (`preupload`), uploads those with the LFS batch API, then sends one
   * NDJSON commit.
   */
  async commit(
    repoId: string,
    files: CommitFile[],
    options: { summary: string; description?: string; createPr?: boolean; revision?: string },
  ): Promise<CommitResult> {
    const revision = encodeURIComponent(options.revision ?? "main");
    const query = options.createPr ? "?create_pr=1" : "";
    // The Hub takes at most a few hundred files per preupload call, like huggingface_hub sends them.
    const modes: { path: string; uploadMode: string; shouldIgnore?: boolean }[] = [];
    for (let i = 0; i < files.length; i += 256) {
      const chunk = files.slice(i, i + 256);
      const pre = await this.#request(
        "POST",
        `/api/spaces/${repoId}/preupload/${revision}${query}`,
        {
          json: {
            files: chunk.map((f) => ({
              path: f.path,
              size: f.content.length,
              sample: toBase64(f.content.subarray(0, 512)),
            })),
          },
        },
      );
      const answer = await this.#json<
        { files?: { path: string; uploadMode: string; shouldIgnore?: boolean }[] }
      >(pre, "Preparing the upload (preupload)");
      modes.push(...(answer.files ?? []));
    }
    const modeOf = new Map(modes.map((f) => [f.path, f]));
    const lfs: (CommitFile & { oid: string })[] = [];
    const lines: unknown[] = [{
      key: "header",
      value: { summary: options.summary, description: options.description ?? "" },
    }];
    for (const file of files) {
      const mode = modeOf.get(file.path);
      if (mode?.shouldIgnore) continue;
      if (mode?.uploadMode === "lfs") {
        const oid = await sha256Hex(file.content);
        lfs.push({ ...file, oid });
        lines.push({
          key: "lfsFile",
          value: { path: file.path, algo: "sha256", oid, size: file.content.length },
        });
      } else {
        lines.push({
          key: "file",
          value: { content: toBase64(file.content), path: file.path, encoding: "base64" },
        });
      }
    }
    if (lfs.length > 0) await this.#uploadLfs(repoId, lfs, options.revision ?? "main");
    const res = await this.#request("POST", `/api/spaces/${repoId}/commit/${revision}${query}`, {
      body: lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
      headers: { "content-type": "application/x-ndjson" },
    });
    return await this.#json<CommitResult>(res, `Committing to "${repoId}"`);
  }

  async #uploadLfs(
    repoId: string,
    files: (CommitFile & { oid: string })[],
    revision: string,
  ): Promise<void> {
    const lfsHeaders = {
      accept: "application/vnd.git-lfs+json",
      "content-type": "application/vnd.git-lfs+json",
    };
    const res = await this.#request("POST", `/spaces/${repoId}.git/info/lfs/objects/batch`, {
      json: {
        operation: "upload",
        transfers: ["basic"],
        objects: files.map((f) => ({ oid: f.oid, size: f.content.length })),
        hash_algo: "sha256",
        ref: { name: revision },
      },
      headers: lfsHeaders,
    });
    const batch = await this.#json<{
      objects: {
        oid: string;
        error?: { message: string };
        actions?: {
          upload?: { href: string; header?: Record<string, string> };
          verify?: { href: string; header?: Record<string, string> };
        };
      }[];
    }>(res, "Requesting LFS uploads");
    for (const object of batch.objects ?? []) {
      if (object.error) {
        throw new HubError(`LFS upload of ${object.oid} refused: ${object.error.message}`, 422);
      }
      const file = files.find((f) => f.oid === object.oid)!;
      if (!object.actions?.upload) continue; // already on the Hub
      const put = await this.#request("PUT", object.actions.upload.href, {
        absolute: true,
        body: file.content as Uint8Array<ArrayBuffer>,
        headers: object.actions.upload.header ?? {},
      });
      if (!put.ok) {
        throw new HubError(`LFS upload of "${file.path}" failed: HTTP ${put.status}`, put.status);
      }
      await put.body?.cancel();
      if (object.actions.verify) {
        const verify = await this.#request("POST", object.actions.verify.href, {
          absolute: true,
          json: { oid: file.oid, size: file.content.length },
          headers: { ...lfsHeaders, ...object.actions.verify.header },
        });
        await this.#json(verify, `Verifying the LFS upload of "${file.path}"`);
      }
    }
  }

  /** Adds or updates a public Space variable. */
  async addSpaceVariable(repoId: string, key: string, value: string): Promise<void> {
    const res = await this.#request("POST", `/api/spaces/${repoId}/variables`, {
      json: { key, value },
    });
    await this.#json(res, `Setting the variable "${key}"`);
  }

  /** Adds or updates a Space secret (the value is never logged). */
  async addSpaceSecret(repoId: string, key: string, value: string): Promise<void> {
    const res = await this.#request("POST", `/api/spaces/${repoId}/secrets`, {
      json: { key, value },
    });
    await this.#json(res, `Setting the secret "${key}"`);
  }

  /** Duplicates a Space (`POST /api/spaces/{from}/duplicate`) and returns the new id and URL. */
  async duplicateSpace(
    fromId: string,
    options: DuplicateSpaceOptions = {},
  ): Promise<{ repoId: string; url: string }> {
    const toId = options.toId ?? `${(await this.whoami()).name}/${fromId.split("/")[1]}`;
    const payload: Record<string, unknown> = {
      repository: toId,
      private: options.private ?? false,
      hardware: options.hardware ?? "cpu-basic",
    };
    const pairs = (r?: Record<string, string>) =>
      Object.entries(r ?? {}).map(([key, value]) => ({ key, value }));
    if (options.variables && Object.keys(options.variables).length > 0) {
      payload.variables = pairs(options.variables);
    }
    if (options.secrets && Object.keys(options.secrets).length > 0) {
      payload.secrets = pairs(options.secrets);
    }
    const res = await this.#request("POST", `/api/spaces/${fromId}/duplicate`, { json: payload });
    const body = await this.#json<{ url?: string }>(res, `Duplicating "${fromId}"`);
    return { repoId: toId, url: body.url ?? `${this.endpoint}/spaces/${toId}` };
  }
}
