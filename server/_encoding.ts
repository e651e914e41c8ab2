// Internal: JSON encodings that keep Python clients reading the same values.
import type { StepPayload } from "../core/models.ts";
import { floatLiteral, type FloatPlan, stringifyWithFloats } from "./_float_paths.ts";

export { floatLiteral };
export type { FloatPlan };

/**
 * `{"observation":…,"reward":<float>,"done":…}` for HTTP `/reset` and `/step`;
 * `plan` spells the observation's float fields as floats.
 */
export function encodeHttpStep(payload: StepPayload, plan: FloatPlan | null = null): string {
  return `{"observation":${stringifyWithFloats(payload.observation, plan)},"reward":${
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
export function encodeWsObservation(
  payload: StepPayload,
  plan: FloatPlan | null = null,
): string {
  const reward = typeof payload.reward === "boolean"
    ? String(payload.reward)
    : floatLiteral(payload.reward);
  return `{"type":"observation","data":{"observation":${
    stringifyWithFloats(payload.observation, plan)
  },"reward":${reward},"done":${payload.done}}}`;
}
