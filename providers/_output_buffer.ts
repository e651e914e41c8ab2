/**
 * Keeps the tail of a child's output (stdout and stderr interleaved), for
 * error messages.
 *
 * @module
 */

/** A bounded text buffer fed by byte streams. */
export class OutputBuffer {
  #text = "";
  readonly #limit: number;
  readonly #forward?: (chunk: string) => void;

  constructor(limit = 64 * 1024, forward?: (chunk: string) => void) {
    this.#limit = limit;
    this.#forward = forward;
  }

  /** Reads a stream to its end into the buffer. */
  async drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) this.push(decoder.decode(chunk, { stream: true }));
    } catch {
      // The stream broke (child killed): keep what we have.
    }
  }

  /** Appends text. */
  push(chunk: string): void {
    this.#forward?.(chunk);
    this.#text += chunk;
    if (this.#text.length > this.#limit) this.#text = this.#text.slice(-this.#limit);
  }

  /** Everything kept so far. */
  text(): string {
    return this.#text;
  }

  /** The last `n` lines, trimmed. */
  tail(n = 40): string {
    return this.#text.trimEnd().split("\n").slice(-n).join("\n");
  }
}
