/**
 * Test helpers: run an app on a real `Deno.serve` (port 0) and talk to it
 * over raw WebSockets.
 *
 * @module
 */
import type { EnvServerApp } from "../server/create_app.ts";

/** A server started by {@linkcode startTestServer}. */
export interface TestServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** WebSocket URL of the session endpoint, `ws://127.0.0.1:<port>/ws`. */
  readonly wsUrl: string;
  /** WebSocket URL of the raw JSON-RPC endpoint, `ws://127.0.0.1:<port>/mcp`. */
  readonly mcpUrl: string;
  /** The port bound. */
  readonly port: number;
  /** Closes sessions, then stops the server. */
  close(): Promise<void>;
  /** Same as {@linkcode TestServer.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves an app on a free loopback port for the length of a test.
 *
 * @example
 * ```ts ignore
 * import { startTestServer } from "@openenv/core/testing";
 *
 * await using server = startTestServer(app);
 * const res = await fetch(`${server.url}/health`);
 * ```
 */
export function startTestServer(app: EnvServerApp): TestServer {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (request) => app.fetch(request),
  );
  const { port } = server.addr as Deno.NetAddr;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      await app.close();
      await server.shutdown();
    })();
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    mcpUrl: `ws://127.0.0.1:${port}/mcp`,
    port,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A raw WebSocket with an awaitable inbox, for protocol tests. */
export interface RawSocket {
  /** The underlying socket. */
  readonly socket: WebSocket;
  /** Sends a value as JSON, or a string or bytes as they are. */
  send(message: unknown): void;
  /**
   * The next frame: text parsed as JSON (raw text when it is not JSON), binary
   * as received. Rejects after `timeoutMs` or when the socket closes.
   */
  next(timeoutMs?: number): Promise<unknown>;
  /** Sends a message and returns the next reply. */
  request(message: unknown, timeoutMs?: number): Promise<unknown>;
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<number>;
  /** Closes the socket. */
  close(): Promise<void>;
  /** Same as {@linkcode RawSocket.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Opens a WebSocket and waits until it is open.
 *
 * @example
 * ```ts ignore
 * await using ws = await openRawSocket(server.wsUrl);
 * const reply = await ws.request({ type: "reset", data: {} });
 * ```
 */
export async function openRawSocket(url: string): Promise<RawSocket> {
  const socket = new WebSocket(url);
  const inbox: unknown[] = [];
  const waiters: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  let closedWith: number | null = null;
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  socket.onmessage = (e) => {
    let value: unknown = e.data;
    if (typeof e.data === "string") {
      try {
        value = JSON.parse(e.data);
      } catch {
        value = e.data; // not JSON: handed over as the raw text
      }
    }
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(value);
    else inbox.push(value);
  };
  socket.onclose = (e) => {
    closedWith = e.code;
    resolveClosed(e.code);
    for (const w of waiters.splice(0)) w.reject(new Error(`socket closed with ${e.code}`));
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const next = (timeoutMs = 5000): Promise<unknown> => {
    if (inbox.length) return Promise.resolve(inbox.shift());
    if (closedWith !== null) return Promise.reject(new Error(`socket closed with ${closedWith}`));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (v: unknown) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  const send = (message: unknown) =>
    socket.send(
      typeof message === "string" || message instanceof Uint8Array
        ? message as string
        : JSON.stringify(message),
    );
  const close = async () => {
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close();
    }
    await closed;
  };
  return {
    socket,
    send,
    next,
    request: (message, timeoutMs) => {
      send(message);
      return next(timeoutMs);
    },
    closed,
    close,
    [Symbol.asyncDispose]: close,
  };
}
