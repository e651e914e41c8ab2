/**
 * Length-prefixed frames between the host and the sandbox subprocess
 * (internal). A frame is a 4-byte big-endian payload length, a 1-byte kind
 * (0 JSON, 1 binary) and the payload.
 *
 * @module
 */

/** A JSON frame. */
export const KIND_JSON = 0;
/** A binary frame (the memory snapshot). */
export const KIND_BINARY = 1;
/** Largest frame the host accepts from a sandbox; more is a protocol violation. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** One decoded frame. */
export interface Frame {
  /** {@linkcode KIND_JSON} or {@linkcode KIND_BINARY}. */
  kind: number;
  /** The payload bytes. */
  payload: Uint8Array;
}

/** Encodes one frame. */
export function encodeFrame(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  out[4] = kind;
  out.set(payload, 5);
  return out;
}

/** Encodes a JSON frame. */
export function encodeJsonFrame(value: unknown): Uint8Array {
  return encodeFrame(KIND_JSON, new TextEncoder().encode(JSON.stringify(value)));
}

/**
 * Reads frames from a byte stream. Throws on an unknown kind or an oversized
 * frame (a corrupted or hostile stream).
 */
export async function* readFrames(stream: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const head = chunks[0];
      const need = n - offset;
      if (head.length <= need) {
        out.set(head, offset);
        offset += head.length;
        chunks.shift();
      } else {
        out.set(head.subarray(0, need), offset);
        chunks[0] = head.subarray(need);
        offset += need;
      }
    }
    buffered -= n;
    return out;
  };
  let header: { length: number; kind: number } | null = null;
  for await (const chunk of stream) {
    chunks.push(chunk);
    buffered += chunk.length;
    while (true) {
      if (header === null) {
        if (buffered < 5) break;
        const bytes = take(5);
        const view = new DataView(bytes.buffer);
        header = { length: view.getUint32(0), kind: bytes[4] };
        if (header.kind !== KIND_JSON && header.kind !== KIND_BINARY) {
          throw new Error(`Unknown frame kind ${header.kind}`);
        }
        if (header.length > MAX_FRAME_BYTES) {
          throw new Error(`Frame of ${header.length} bytes exceeds the limit`);
        }
      }
      if (buffered < header.length) break;
      yield { kind: header.kind, payload: take(header.length) };
      header = null;
    }
  }
}
