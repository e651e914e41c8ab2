// Internal: reading a request body with a size limit, so one oversized
// request cannot exhaust the server's memory.
import { jsonResponse } from "./_encoding.ts";
import type { ErrorDetail } from "./_validation.ts";

/** The body as text, or a 413 response when it is larger than `limit` bytes. */
export async function readBodyText(
  request: Request,
  limit: number,
): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const tooLarge = (size: number | null) => ({
    ok: false as const,
    response: jsonResponse({
      detail: size === null
        ? `Request body is larger than the ${limit}-byte limit`
        : `Request body of ${size} bytes is larger than the ${limit}-byte limit`,
    }, 413),
  });
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(declared);
  }
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(null);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { ok: true, text: new TextDecoder().decode(bytes) };
}

/** A 422 response with pydantic-style `detail` entries. */
export function detail(errors: ErrorDetail[], status = 422): Response {
  return jsonResponse({ detail: errors }, status);
}

/**
 * The body parsed as JSON (`null` when empty), a 413 when it is too large, or
 * the 422 FastAPI gives for invalid JSON.
 */
export async function readJsonBody(
  request: Request,
  limit: number,
): Promise<{ ok: true; value: unknown; empty: boolean } | { ok: false; response: Response }> {
  const read = await readBodyText(request, limit);
  if (!read.ok) return read;
  const text = read.text;
  if (text.trim() === "") return { ok: true, value: null, empty: true };
  try {
    return { ok: true, value: JSON.parse(text), empty: false };
  } catch (error) {
    return {
      ok: false,
      response: detail([{
        type: "json_invalid",
        loc: ["body", 0],
        msg: "JSON decode error",
        input: {},
        ctx: { error: (error as Error).message },
      }]),
    };
  }
}
