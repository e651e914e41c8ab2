// Internal: JSON encodings that keep Python clients reading the same values.
import type { StepPayload } from "../core/models.ts";

/**
 * Spells a reward the way the reference's HTTP routes do (a Python float):
 * integers get ".0", booleans become 1.0 / 0.0, NaN and infinities null.
 */
export function floatLiteral(value: number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "1.0" : "0.0";
  if (!Number.isFinite(value)) return "null";
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  return String(value);
}

/** `{"observation":…,"reward":<float>,"done":…}` for HTTP `/reset` and `/step`. */
export function encodeHttpStep(payload: StepPayload): string {
  return `{"observation":${JSON.stringify(payload.observation)},"reward":${
    floatLiteral(payload.reward)
  },"done":${payload.done}}`;
}

/** A JSON response with the reference's content type. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  return new Response(text, { status, headers: h });
}

/** FastAPI's plain-text 500. */
export function internalError(): Response {
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * `{"type":"observation","data":{…}}` for `/ws`. Numeric rewards are spelled
 * as floats (as a Python float reward would be); boolean rewards stay
 * booleans, as the reference passes them through on this transport.
 */
export function encodeWsObservation(payload: StepPayload): string {
  const reward = typeof payload.reward === "boolean"
    ? String(payload.reward)
    : floatLiteral(payload.reward);
  return `{"type":"observation","data":{"observation":${
    JSON.stringify(payload.observation)
  },"reward":${reward},"done":${payload.done}}}`;
}
