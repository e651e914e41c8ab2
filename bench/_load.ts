/**
 * Internal: the load client shared by every benchmark. The same code drives
 * our server, the raw `Deno.serve` baseline and the Python reference: closed
 * loop, one message in flight per connection.
 *
 * @module
 */
import { type LatencySummary, summarize } from "./_stats.ts";

/** The step every benchmark sends over `/ws`. */
export const WS_STEP: string = JSON.stringify({ type: "step", data: { message: "hello" } });
/** The reset sent once per connection before stepping. */
export const WS_RESET: string = JSON.stringify({ type: "reset", data: {} });
/** The HTTP `/step` body. */
export const HTTP_STEP: string = JSON.stringify({ action: { message: "hello" } });

/** Checks a reply; returns an error description or null. */
export type ReplyCheck = (reply: string) => string | null;

/** Accepts an echo observation of "hello" (ours, reference) or the step itself echoed (raw). */
export const checkStepReply: ReplyCheck = (reply) =>
  reply === WS_STEP || reply.includes('"echoed_message":"hello"') ? null : reply.slice(0, 200);

/** One WebSocket with at most one request in flight. */
export class Connection {
  #socket: WebSocket;
  #pending: { resolve: (text: string) => void; reject: (e: Error) => void } | null = null;
  #closed: Error | null = null;

  #listener: { reply: (text: string) => void; close: (reason: string) => void } | null = null;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const text = typeof event.data === "string" ? event.data : "<binary>";
      if (this.#listener) return this.#listener.reply(text);
      const pending = this.#pending;
      this.#pending = null;
      pending?.resolve(text);
    };
    socket.onclose = (event) => {
      this.#closed = new Error(`socket closed (${event.code})`);
      this.#listener?.close(this.#closed.message);
      this.#pending?.reject(this.#closed);
      this.#pending = null;
    };
  }

  /**
   * Streaming mode, for many paced sessions: every reply goes to `reply`
   * (no promise per request) and {@linkcode Connection.send} sends.
   */
  stream(reply: (text: string) => void, close: (reason: string) => void): void {
    this.#listener = { reply, close };
  }

  /** Sends a text frame without waiting (see {@linkcode Connection.stream}). */
  send(text: string): void {
    this.#socket.send(text);
  }

  /** Opens a connection; rejects when the handshake fails or times out. */
  static open(url: string, timeoutMs = 30_000): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`connect timeout after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(new Connection(socket));
      };
      socket.onerror = (event) => {
        clearTimeout(timer);
        reject(new Error(`connect failed: ${(event as ErrorEvent).message ?? "error"}`));
      };
    });
  }

  /** Sends a text frame and resolves with the next reply. */
  request(text: string): Promise<string> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.send(text);
    });
  }

  /** Closes the socket and waits for the close to finish. */
  close(): Promise<void> {
    if (this.#closed || this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.addEventListener("close", () => resolve(), { once: true });
      this.#socket.close();
    });
  }
}

/** Opens `count` connections, at most `batch` handshakes at a time, and resets each. */
export async function openMany(
  url: string,
  count: number,
  batch = 128,
): Promise<{ connections: Connection[]; errors: string[] }> {
  const connections: Connection[] = [];
  const errors: string[] = [];
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.allSettled(
      Array.from({ length: Math.min(batch, count - i) }, async () => {
        const c = await Connection.open(url);
        const reply = await c.request(WS_RESET);
        if (reply.includes('"type":"error"')) {
          await c.close();
          throw new Error(reply.slice(0, 200));
        }
        return c;
      }),
    );
    for (const r of opened) {
      if (r.status === "fulfilled") connections.push(r.value);
      else errors.push(String(r.reason?.message ?? r.reason));
    }
  }
  return { connections, errors };
}

/** Round-trip latencies (ms) of `count` sequential steps on one connection. */
export async function sequentialLatency(
  url: string,
  options: { warmup: number; count: number },
): Promise<LatencySummary> {
  const c = await Connection.open(url);
  try {
    await c.request(WS_RESET);
    for (let i = 0; i < options.warmup; i++) await c.request(WS_STEP);
    const first = await c.request(WS_STEP);
    const problem = checkStepReply(first);
    if (problem) throw new Error(`Unexpected reply from ${url}: ${problem}`);
    const samples = new Float64Array(options.count);
    for (let i = 0; i < options.count; i++) {
      const t0 = performance.now();
      await c.request(WS_STEP);
      samples[i] = performance.now() - t0;
    }
    return summarize(samples);
  } finally {
    await c.close();
  }
}

/** Result of a throughput run. */
export interface ThroughputResult {
  /** Connections (or concurrent HTTP requests). */
  connections: number;
  /** Replies received in the measured window. */
  messages: number;
  /** Replies per second. */
  perSecond: number;
  /** Round-trip latency over the measured window. */
  latency: LatencySummary;
  /** Errors seen (failed or unexpected replies). */
  errors: number;
  /**
   * Server CPU time (user + system) per reply in µs, over the measured
   * window; insensitive to other load on the machine. NaN when not probed.
   */
  serverCpuUs: number;
}

/** Options of the throughput runs. */
export interface ThroughputOptions {
  /** Connections (or HTTP requests in flight). */
  connections: number;
  /** Run this long before measuring. */
  warmupMs: number;
  /** Measure this long. */
  durationMs: number;
  /** Reads the server's CPU seconds (see `ServerProcess.cpuSeconds`). */
  serverCpu?: () => Promise<number>;
}

async function closedLoop(
  workers: number,
  options: ThroughputOptions,
  once: (worker: number) => Promise<string | null>,
): Promise<Omit<ThroughputResult, "connections">> {
  let measuring = false;
  let stopped = false;
  let messages = 0;
  let errors = 0;
  const samples: number[] = [];
  const loop = async (worker: number) => {
    while (!stopped) {
      const t0 = performance.now();
      const problem = await once(worker).catch((e) => String(e?.message ?? e));
      if (!measuring || stopped) continue;
      if (problem) {
        errors++;
        if (errors === 1) console.error(`  first error: ${problem}`);
        if (problem.startsWith("socket closed")) return;
        continue;
      }
      messages++;
      samples.push(performance.now() - t0);
    }
  };
  const loops = Array.from({ length: workers }, (_, i) => loop(i));
  await new Promise((r) => setTimeout(r, options.warmupMs));
  const cpu0 = await options.serverCpu?.();
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, options.durationMs));
  // A stalled server (or a starved machine) may not answer within a short
  // window: measure until the first reply, up to 10 s more.
  while (
    messages === 0 && errors === 0 && performance.now() - start < options.durationMs + 10_000
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  stopped = true;
  const seconds = (performance.now() - start) / 1000;
  const counted = messages;
  const cpu1 = await options.serverCpu?.();
  await Promise.all(loops);
  const serverCpuUs = cpu0 === undefined || cpu1 === undefined
    ? NaN
    : ((cpu1 - cpu0) / Math.max(1, counted)) * 1e6;
  return {
    messages: counted,
    perSecond: counted / seconds,
    latency: summarize(samples),
    errors,
    serverCpuUs,
  };
}

/** Closed-loop `/ws` step throughput over `connections` sockets. */
export async function wsThroughput(
  url: string,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const { connections, errors } = await openMany(url, options.connections);
  if (errors.length) throw new Error(`Cannot open ${options.connections} sessions: ${errors[0]}`);
  try {
    const result = await closedLoop(connections.length, options, async (i) => {
      return checkStepReply(await connections[i].request(WS_STEP));
    });
    return { connections: options.connections, ...result };
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
}

/** Closed-loop HTTP `POST /step` throughput with `connections` requests in flight. */
export async function httpThroughput(
  url: string,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: options.connections });
  try {
    const result = await closedLoop(options.connections, options, async () => {
      const res = await fetch(`${url}/step`, {
        method: "POST",
        body: HTTP_STEP,
        headers: { "content-type": "application/json" },
        client,
      });
      const text = await res.text();
      if (!res.ok) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
      return text.includes('"echoed_message":"hello"') ? null : text.slice(0, 200);
    });
    return { connections: options.connections, ...result };
  } finally {
    client.close();
  }
}
