// Internal: validation errors in the shape Python clients know (pydantic's
// `errors()` list: type, loc, msg, input, ctx).
import type { z } from "zod";

/** One validation error, in the pydantic `errors()` shape. */
export interface ErrorDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

function parentOf(root: unknown, path: readonly PropertyKey[]): unknown {
  return valueAt(root, path.slice(0, -1)).value;
}

function locOf(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((k) => (typeof k === "number" ? k : String(k)));
}

const TYPE_NAMES: Record<string, [string, string]> = {
  string: ["string_type", "Input should be a valid string"],
  number: ["float_type", "Input should be a valid number"],
  int: ["int_type", "Input should be a valid integer"],
  boolean: ["bool_type", "Input should be a valid boolean"],
  object: ["dict_type", "Input should be a valid dictionary"],
  record: ["dict_type", "Input should be a valid dictionary"],
  array: ["list_type", "Input should be a valid list"],
  null: ["none_required", "Input should be None"],
};

function bound(issue: Record<string, unknown>, small: boolean): ErrorDetail["ctx"] & object {
  const limit = small ? issue.minimum : issue.maximum;
  return { limit, inclusive: issue.inclusive !== false } as Record<string, unknown>;
}

/**
 * Converts zod issues into pydantic-style error details, with `loc` relative
 * to `input` (the value that was parsed).
 */
export function toErrorDetails(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix: (string | number)[] = [],
): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const issue of issues) {
    const raw = issue as unknown as Record<string, unknown>;
    const at = valueAt(input, issue.path);
    const loc = [...prefix, ...locOf(issue.path)];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({
          type: "extra_forbidden",
          loc: [...loc, key],
          msg: "Extra inputs are not permitted",
          input: (at.value as Record<string, unknown> | undefined)?.[key],
        });
      }
      continue;
    }
    if (!at.found && issue.path.length > 0) {
      out.push({ type: "missing", loc, msg: "Field required", input: parentOf(input, issue.path) });
      continue;
    }
    const value = at.value;
    switch (issue.code) {
      case "invalid_type": {
        let [type, msg] = TYPE_NAMES[String(issue.expected)] ??
          ["value_error", issue.message];
        if (issue.expected === "int" && typeof value === "number" && Number.isFinite(value)) {
          type = "int_from_float";
          msg = "Input should be a valid integer, got a number with a fractional part";
        } else if (issue.expected === "number" && typeof value === "string") {
          type = "float_parsing";
          msg = "Input should be a valid number, unable to parse string as a number";
        }
        out.push({ type, loc, msg, input: value });
        break;
      }
      case "too_small":
      case "too_big": {
        const small = issue.code === "too_small";
        const { limit, inclusive } = bound(raw, small);
        if (issue.origin === "string") {
          out.push({
            type: small ? "string_too_short" : "string_too_long",
            loc,
            msg: `String should have ${small ? "at least" : "at most"} ${limit} character${
              limit === 1 ? "" : "s"
            }`,
            input: value,
            ctx: small ? { min_length: limit } : { max_length: limit },
          });
        } else if (issue.origin === "array" || issue.origin === "set") {
          out.push({
            type: small ? "too_short" : "too_long",
            loc,
            msg: `List should have ${small ? "at least" : "at most"} ${limit} item${
              limit === 1 ? "" : "s"
            }`,
            input: value,
            ctx: { field_type: "List", [small ? "min_length" : "max_length"]: limit },
          });
        } else {
          const key = small ? (inclusive ? "ge" : "gt") : (inclusive ? "le" : "lt");
          const words = small
            ? (inclusive ? "greater than or equal to" : "greater than")
            : (inclusive ? "less than or equal to" : "less than");
          out.push({
            type: `${small ? "greater" : "less"}_than${inclusive ? "_equal" : ""}`,
            loc,
            msg: `Input should be ${words} ${limit}`,
            input: value,
            ctx: { [key]: limit },
          });
        }
        break;
      }
      case "invalid_value": {
        const values = issue.values.map((v) => JSON.stringify(v).replaceAll('"', "'"));
        const expected = values.length <= 1
          ? values.join("")
          : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
        out.push({
          type: values.length <= 1 ? "literal_error" : "enum",
          loc,
          msg: `Input should be ${expected}`,
          input: value,
          ctx: { expected },
        });
        break;
      }
      case "invalid_union": {
        // Report the branch that came closest (fewest issues; the first on a
        // tie) instead of an opaque "Invalid input".
        const branches = (issue.errors ?? []).filter((b) => b.length > 0);
        if (branches.length) {
          const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
          out.push(...toErrorDetails(best, value, loc));
        } else out.push({ type: "value_error", loc, msg: issue.message, input: value });
        break;
      }
      default:
        out.push({ type: "value_error", loc, msg: issue.message, input: value });
    }
  }
  return out;
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A parsed value, or the pydantic error type and message. */
export type Lax<T> = { ok: true; value: T } | { ok: false; type: string; msg: string };

const INT_TEXT = /^[+-]?\d+(?:\.0*)?$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  infinity: Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
  nan: NaN,
  "+nan": NaN,
  "-nan": NaN,
};

/**
 * Parses an integer the way pydantic does in lax mode: integral numbers,
 * booleans (1/0) and numeric strings such as `"7"` or `" 7 "` are accepted.
 */
export function laxInt(v: unknown): Lax<number> {
  if (typeof v === "boolean") return { ok: true, value: v ? 1 : 0 };
  if (typeof v === "string") {
    const t = v.trim();
    if (!INT_TEXT.test(t)) {
      return {
        ok: false,
        type: "int_parsing",
        msg: "Input should be a valid integer, unable to parse string as an integer",
      };
    }
    v = Number(t);
  }
  if (typeof v !== "number") {
    return { ok: false, type: "int_type", msg: "Input should be a valid integer" };
  }
  if (!Number.isInteger(v)) {
    return Number.isFinite(v)
      ? {
        ok: false,
        type: "int_from_float",
        msg: "Input should be a valid integer, got a number with a fractional part",
      }
      : { ok: false, type: "finite_number", msg: "Input should be a finite number" };
  }
  if (Math.abs(v) >= 2 ** 63) {
    return {
      ok: false,
      type: "int_parsing_size",
      msg: "Unable to parse input string as an integer, exceeded maximum size",
    };
  }
  return { ok: true, value: v };
}

/**
 * Parses a float the way pydantic does in lax mode: numbers, booleans (1.0 /
 * 0.0) and numeric strings, including `"inf"` and `"nan"`.
 */
export function laxFloat(v: unknown): Lax<number> {
  if (typeof v === "number") return { ok: true, value: v };
  if (typeof v === "boolean") return { ok: true, value: v ? 1 : 0 };
  if (typeof v === "string") {
    const t = v.trim();
    const special = SPECIAL_FLOATS[t.toLowerCase()];
    if (special !== undefined) return { ok: true, value: special };
    if (FLOAT_TEXT.test(t)) return { ok: true, value: Number(t) };
    return {
      ok: false,
      type: "float_parsing",
      msg: "Input should be a valid number, unable to parse string as a number",
    };
  }
  return { ok: false, type: "float_type", msg: "Input should be a valid number" };
}

/** Options accepted by the wire for a reset, after validation. */
export interface WireResetOptions {
  seed?: number;
  episode_id?: string;
  extras: Record<string, unknown>;
}

/**
 * Validates the fields of a reset request (`seed`, `episode_id`, extras) the
 * way the reference's `ResetRequest` does, with `loc` under `prefix`.
 */
export function checkResetFields(
  body: Record<string, unknown>,
  prefix: (string | number)[],
): { ok: true; value: WireResetOptions } | { ok: false; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const value: WireResetOptions = { extras: {} };
  for (const [key, v] of Object.entries(body)) {
    if (key === "seed") {
      if (v === null) continue;
      const n = laxInt(v);
      if (!n.ok) {
        errors.push({ type: n.type, loc: [...prefix, "seed"], msg: n.msg, input: v });
      } else if (n.value < 0) {
        errors.push({
          type: "greater_than_equal",
          loc: [...prefix, "seed"],
          msg: "Input should be greater than or equal to 0",
          input: v,
          ctx: { ge: 0 },
        });
      } else value.seed = n.value;
    } else if (key === "episode_id") {
      if (v === null) continue;
      if (typeof v !== "string") {
        errors.push({
          type: "string_type",
          loc: [...prefix, "episode_id"],
          msg: "Input should be a valid string",
          input: v,
        });
      } else if (v.length > 255) {
        errors.push({
          type: "string_too_long",
          loc: [...prefix, "episode_id"],
          msg: "String should have at most 255 characters",
          input: v,
          ctx: { max_length: 255 },
        });
      } else value.episode_id = v;
    } else {
      value.extras[key] = v;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
