// Internal: schema-aware JSON spelling of float fields.
//
// Python (pydantic) prints a field declared `float` with a decimal point
// (`3.0`), while `JSON.stringify(3)` prints `3`, which a Python client reads
// back as an `int`. From an observation (or state) schema we precompute, once,
// where the float-typed values live (a "plan"); encoding then spells those
// values as floats and everything else exactly like `JSON.stringify`. Schemas
// without float fields get no plan, so their hot path stays `JSON.stringify`.
import type { z } from "zod";

/**
 * Where float-typed values sit inside a JSON value: `float` says a number at
 * this position is a float; the other parts describe what is inside arrays
 * (`item`, or `items` for tuples) and objects (`fields`, or `values` for
 * records). Missing parts hold no floats.
 */
export interface FloatPlan {
  readonly float: boolean;
  readonly fields?: ReadonlyMap<string, FloatPlan>;
  readonly values?: FloatPlan;
  readonly item?: FloatPlan;
  readonly items?: readonly (FloatPlan | null)[];
}

/**
 * Spells a number the way Python prints a float, so a Python client reads a
 * `float` back: integers get ".0" (`3.0`), magnitudes from 1e16 use an
 * exponent (`1e+20`, where JavaScript would print 21 digits that Python reads
 * as an `int`), booleans become 1.0 / 0.0, NaN and infinities null (as
 * pydantic's JSON does).
 */
export function floatLiteral(value: number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "1.0" : "0.0";
  if (!Number.isFinite(value)) return "null";
  if (Number.isInteger(value)) {
    // `3 + ".0"` is several times faster than toFixed(1); String(-0) is "0".
    return Math.abs(value) < 1e16 ? value + ".0" : value.toExponential();
  }
  return String(value);
}

const FLOAT: FloatPlan = { float: true };
const INT_FORMATS = new Set(["safeint", "int32", "uint32", "int64", "uint64"]);

interface Def {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | null)?._zod?.def;
}

function isIntSchema(schema: unknown, def: Def): boolean {
  const isInt = (schema as { isInt?: unknown }).isInt;
  if (typeof isInt === "boolean") return isInt;
  return typeof def.format === "string" && INT_FORMATS.has(def.format);
}

/** What a schema says about numbers found at its root, for union merging. */
type NumberKind = "float" | "int" | "none";

function numberKind(schema: unknown, depth: number): NumberKind {
  const def = defOf(schema);
  if (!def || depth > 32) return "none";
  switch (def.type) {
    case "number":
      return isIntSchema(schema, def) ? "int" : "float";
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return numberKind(def.innerType, depth + 1);
    case "pipe":
      return numberKind(def.out, depth + 1);
    case "literal":
      return (def.values as unknown[]).some((v) => typeof v === "number") ? "int" : "none";
    case "union": {
      const kinds = (def.options as unknown[]).map((o) => numberKind(o, depth + 1));
      if (kinds.includes("int")) return "int";
      return kinds.includes("float") ? "float" : "none";
    }
    default:
      return "none";
  }
}

type Memo = Map<unknown, FloatPlan | null | "pending">;

function planOf(schema: unknown, depth: number, memo: Memo = new Map()): FloatPlan | null {
  const known = memo.get(schema);
  // A recursive schema (z.lazy) is followed once; deeper levels get plain JSON.
  if (known === "pending") return null;
  if (known !== undefined) return known;
  memo.set(schema, "pending");
  const plan = computePlan(schema, depth, memo);
  memo.set(schema, plan);
  return plan;
}

function computePlan(schema: unknown, depth: number, memo: Memo): FloatPlan | null {
  const def = defOf(schema);
  if (!def || depth > 64) return null;
  switch (def.type) {
    case "number":
      return isIntSchema(schema, def) ? null : FLOAT;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return planOf(def.innerType, depth + 1, memo);
    case "pipe":
      return planOf(def.out, depth + 1, memo);
    case "lazy":
      return planOf((def.getter as () => unknown)(), depth + 1, memo);
    case "object": {
      const fields = new Map<string, FloatPlan>();
      const shape = (schema as { shape?: Record<string, unknown> }).shape ??
        (def.shape as Record<string, unknown>);
      for (const [key, field] of Object.entries(shape ?? {})) {
        const plan = planOf(field, depth + 1, memo);
        if (plan) fields.set(key, plan);
      }
      return fields.size ? { float: false, fields } : null;
    }
    case "array": {
      const item = planOf(def.element, depth + 1, memo);
      return item ? { float: false, item } : null;
    }
    case "tuple": {
      const items = (def.items as unknown[]).map((s) => planOf(s, depth + 1, memo));
      return items.some((p) => p !== null) ? { float: false, items } : null;
    }
    case "record": {
      const value = planOf(def.valueType, depth + 1, memo);
      return value ? { float: false, values: value } : null;
    }
    case "union": {
      const options = def.options as unknown[];
      // A number in a union is a float only if no option could make it an int.
      const kind = numberKind(schema, depth);
      const structured = options
        .map((o) => planOf(o, depth + 1, memo))
        .filter((p): p is FloatPlan => p !== null && p !== FLOAT && !isLeaf(p));
      const float = kind === "float";
      // Two structured options could disagree about a nested field: keep none.
      if (structured.length === 1) return { ...structured[0], float };
      return float ? FLOAT : null;
    }
    default:
      return null;
  }
}

/**
 * Computes where an object schema declares non-integer numbers (top level,
 * nested objects, arrays, tuples and records). Returns `null` when it declares
 * none, so callers can keep plain `JSON.stringify`.
 */
export function floatPlanOf(schema: z.ZodType | undefined): FloatPlan | null {
  if (!schema) return null;
  try {
    return planOf(schema, 0);
  } catch {
    return null; // an exotic schema: fall back to plain JSON
  }
}

function isLeaf(plan: FloatPlan): boolean {
  return !plan.fields && !plan.values && !plan.item && !plan.items;
}

/**
 * `JSON.stringify(value)`, except that finite numbers at the plan's float
 * positions are spelled as Python floats (`3.0`, `1e+20`).
 */
export function stringifyWithFloats(value: unknown, plan: FloatPlan | null): string {
  if (plan === null) return JSON.stringify(value) ?? "null";
  return encode(value, plan) ?? "null";
}

const quotedKeys = new Map<string, string>();

/** `JSON.stringify` of a key, cached: observations reuse a small set of keys. */
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** `JSON.stringify` of a value, with fast paths for the primitives. */
function plain(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    default:
      return JSON.stringify(value);
  }
}

/** Encodes one value; `undefined` means "omit" (as JSON.stringify does). */
function encode(value: unknown, plan: FloatPlan): string | undefined {
  if (typeof value === "number") {
    return plan.float && Number.isFinite(value) ? floatLiteral(value) : plain(value);
  }
  if (value === null || typeof value !== "object") return plain(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return encode((value as { toJSON: () => unknown }).toJSON(), plan);
  }
  if (Array.isArray(value)) {
    if (!plan.item && !plan.items) return JSON.stringify(value);
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const itemPlan = plan.item ?? plan.items?.[i];
      const text = itemPlan ? encode(value[i], itemPlan) : plain(value[i]);
      out += (i ? "," : "") + (text ?? "null");
    }
    return out + "]";
  }
  if (!plan.fields && !plan.values) return JSON.stringify(value);
  let out = "{";
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    const itemPlan = plan.fields ? plan.fields.get(key) : plan.values;
    const text = itemPlan ? encode(item, itemPlan) : plain(item);
    if (text === undefined) continue;
    out += `${first ? "" : ","}${quoteKey(key)}:${text}`;
    first = false;
  }
  return out + "}";
}
