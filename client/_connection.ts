// Internal: one WebSocket to `/ws` with request/reply matching. The protocol
// has no request ids: the server answers messages strictly in order, one
// reply each (except `close`), so a reply belongs to the oldest request still
// waiting. A request given up on (timeout, abort) leaves its reply to come:
// it is counted and skipped when it arrives, so later replies stay matched.
import {
  ClientClosedError,
  ConnectError,
  ProtocolError,
  serverErrorFrom,
  SessionLostError,
  TimeoutError,
} from "./errors.ts";
import type { ServerError } from "./errors.ts";

/** Builds a WebSocket; lets callers plug in another implementation. */
export type WebSocketFactory = (
  url: string,
  init: { headers?: Record<string, string> },
) => WebSocket;

/** A frame from the server. */
export interface Frame {
  type: string;
  data: unknown;
}

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** An `error` frame the server sent without being asked (for example on shutdown). */
  serverError?: ServerError;
}

interface Pending {
  what: string;
  resolve: (frame: Frame) => void;
  reject: (error: unknown) => void;
}

function runtimeAcceptsHeaders(): boolean {
  const g = globalThis as Record<string, unknown> & {
    process?: { versions?: { node?: string } };
  };
  return typeof g.Deno !== "undefined" || typeof g.Bun !== "undefined" ||
    typeof g.process?.versions?.node === "string";
}

/**
 * Opens a WebSocket the runtime's way: Deno, Node (undici) and Bun accept
 * `new WebSocket(url, { headers })`; browsers cannot send headers at all.
 */
export const defaultWebSocketFactory: WebSocketFactory = (url, init) => {
  const headers = init.headers ?? {};
  if (Object.keys(headers).length === 0) return new WebSocket(url);
  if (!runtimeAcceptsHeaders()) {
    throw new TypeError(
      "Custom headers cannot be sent: the browser WebSocket API has no way to set them. " +
        "Put the credential in the URL (for example a query parameter) or a cookie, " +
        "or pass 'createWebSocket' with an implementation that supports headers",
    );
  }
  const Ctor = WebSocket as unknown as new (
    url: string,
    init: { headers: Record<string, string> },
  ) => WebSocket;
  return new Ctor(url, { headers });
};

function describeEvent(event: Event): string {
  const message = (event as ErrorEvent).message;
  return typeof message === "string" && message ? message : event.type;
}

export interface OpenOptions {
  url: string;
  headers?: Record<string, string>;
  connectTimeoutS: number;
  signal?: AbortSignal;
  createWebSocket: WebSocketFactory;
}

/** One open `/ws` connection. */
export class Connection {
  readonly url: string;
  readonly closed: Promise<CloseInfo>;
  #socket: WebSocket;
  #queue: Pending[] = [];
  #stale = 0;
  #closeInfo: CloseInfo | undefined;
  #resolveClosed!: (info: CloseInfo) => void;
  #unsolicited: ServerError | undefined;
  #closingByUser = false;

  private constructor(url: string, socket: WebSocket) {
    this.url = url;
    this.#socket = socket;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    socket.onmessage = (event) => this.#onMessage(event);
    socket.onclose = (event) => this.#onClose(event.code, event.reason);
    socket.onerror = () => {/* a close event always follows */};
  }

  /** Opens a socket and waits until it is open (or fails, times out, is aborted). */
  static open(options: OpenOptions): Promise<Connection> {
    const { url, signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let socket: WebSocket;
    try {
      socket = options.createWebSocket(url, { headers: options.headers });
    } catch (cause) {
      if (cause instanceof TypeError) return Promise.reject(cause);
      return Promise.reject(
        new ConnectError(`Cannot connect to '${url}': ${(cause as Error)?.message ?? cause}`, {
          url,
          cause,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (error: unknown, value?: Connection) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        socket.onopen = null;
        if (error !== undefined) {
          socket.onerror = null;
          socket.onclose = null;
          try {
            socket.close();
          } catch { /* not open */ }
          reject(error);
        } else resolve(value!);
      };
      const onAbort = () => finish(signal!.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(
        () =>
          finish(
            new TimeoutError(
              `Cannot connect to '${url}' within ${options.connectTimeoutS} s`,
              { timeoutS: options.connectTimeoutS },
            ),
          ),
        options.connectTimeoutS * 1000,
      );
      // Some runtimes (Node's undici) fire only `error` for a refused
      // handshake, others `error` then `close`: either one ends the attempt.
      socket.onerror = (event) =>
        finish(new ConnectError(`Cannot connect to '${url}': ${describeEvent(event)}`, { url }));
      socket.onclose = (event) =>
        finish(
          new ConnectError(`Cannot connect to '${url}': closed with code ${event.code}`, { url }),
        );
      socket.onopen = () => finish(undefined, new Connection(url, socket));
    });
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.#closeInfo === undefined && this.#socket.readyState === WebSocket.OPEN;
  }

  /** How the socket closed, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  /**
   * Sends a message and waits for its reply. `signal` ends the wait (its
   * reason is thrown); the reply, when it comes, is then skipped.
   */
  request(message: Record<string, unknown>, what: string, signal?: AbortSignal): Promise<Frame> {
    if (this.#closeInfo) return Promise.reject(this.#lostError(what, this.#closeInfo));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Frame>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#queue.indexOf(entry);
        if (i === -1) return;
        this.#queue.splice(i, 1);
        this.#stale++;
        reject(signal!.reason);
      };
      const entry: Pending = {
        what,
        resolve: (frame) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(frame);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(entry);
      try {
        this.#socket.send(JSON.stringify(message));
      } catch (cause) {
        this.#queue.splice(this.#queue.indexOf(entry), 1);
        entry.reject(
          new SessionLostError(`Cannot send '${what}' to '${this.url}': the socket is not open`, {
            cause,
            inFlight: what,
          }),
        );
      }
    });
  }

  /** Sends a message that gets no reply. Returns false when the socket is not open. */
  send(message: Record<string, unknown>): boolean {
    if (!this.isOpen) return false;
    try {
      this.#socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Ends the connection on the client's initiative: sends `{"type":"close"}`,
   * waits up to `timeoutS` for the server to close, then closes the socket.
   * Waiting requests reject with {@linkcode ClientClosedError}.
   */
  async close(timeoutS: number): Promise<void> {
    this.#closingByUser = true;
    if (this.#closeInfo) return;
    this.send({ type: "close" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<"timeout">((
      r,
    ) => (timer = setTimeout(() => r("timeout"), timeoutS * 1000)));
    const result = await Promise.race([this.closed, gaveUp]);
    clearTimeout(timer);
    if (result === "timeout") this.terminate(1000, "client closed");
    await this.closed;
  }

  /** Closes the socket at once (no `close` message). */
  terminate(code = 1000, reason = ""): void {
    if (this.#closeInfo) return;
    try {
      this.#socket.close(code, reason);
    } catch { /* closing already */ }
    // Some runtimes deliver the close event late; settle now so nothing waits.
    this.#onClose(code === 1000 ? 1000 : code, reason || "closed by the client");
  }

  #lostError(what: string | undefined, info: CloseInfo): Error {
    if (this.#closingByUser) {
      return new ClientClosedError(
        what ? `The client was closed while '${what}' was waiting for its reply` : undefined,
      );
    }
    const said = info.serverError ? `: the server said "${info.serverError.message}"` : "";
    const during = what ? ` during '${what}'` : "";
    return new SessionLostError(
      `The connection to '${this.url}' closed${during} (code ${info.code})${said}`,
      { closeCode: info.code, inFlight: what, cause: info.serverError },
    );
  }

  #onMessage(event: MessageEvent): void {
    let frame: Frame;
    try {
      if (typeof event.data !== "string") throw new TypeError("binary frame");
      const parsed = JSON.parse(event.data);
      if (parsed === null || typeof parsed !== "object" || typeof parsed.type !== "string") {
        throw new TypeError("not an object with a 'type'");
      }
      frame = parsed as Frame;
    } catch (cause) {
      if (this.#stale > 0) {
        this.#stale--;
        return;
      }
      const entry = this.#queue.shift();
      entry?.reject(
        new ProtocolError(`The server sent an unreadable reply to '${entry.what}'`, {
          cause,
          reply: event.data,
        }),
      );
      return;
    }
    if (this.#stale > 0) {
      this.#stale--;
      return;
    }
    const entry = this.#queue.shift();
    if (entry) entry.resolve(frame);
    else if (frame.type === "error") this.#unsolicited = serverErrorFrom(frame.data);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closeInfo) return;
    const info: CloseInfo = { code, reason, serverError: this.#unsolicited };
    this.#closeInfo = info;
    for (const entry of this.#queue.splice(0)) entry.reject(this.#lostError(entry.what, info));
    this.#resolveClosed(info);
  }
}
