import assert from "node:assert/strict";
import { z } from "zod";
import {
  checkResetFields,
  isPlainObject,
  laxFloat,
  laxInt,
  toErrorDetails,
} from "./_validation.ts";

function details(schema: z.ZodType, input: unknown, prefix: (string | number)[] = []) {
  const result = schema.safeParse(input, { reportInput: true });
  assert.equal(result.success, false, "the input should not validate");
  return toErrorDetails(result.error!.issues, input, prefix);
}

const Action = z.strictObject({
  message: z.string(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

Deno.test("toErrorDetails(): missing and extra fields, as the reference reports them", () => {
  assert.deepEqual(details(Action, { bogus: 1 }), [
    { type: "missing", loc: ["message"], msg: "Field required", input: { bogus: 1 } },
    { type: "extra_forbidden", loc: ["bogus"], msg: "Extra inputs are not permitted", input: 1 },
  ]);
  assert.deepEqual(details(Action, {}), [
    { type: "missing", loc: ["message"], msg: "Field required", input: {} },
  ]);
});

Deno.test("toErrorDetails(): wrong types map to pydantic type names", () => {
  assert.deepEqual(details(Action, { message: 1 }), [
    { type: "string_type", loc: ["message"], msg: "Input should be a valid string", input: 1 },
  ]);
  assert.deepEqual(details(Action, { message: "x", metadata: 5 }), [
    { type: "dict_type", loc: ["metadata"], msg: "Input should be a valid dictionary", input: 5 },
  ]);
  const s = z.object({ n: z.number(), i: z.int(), b: z.boolean(), l: z.array(z.string()) });
  const types = details(s, { n: [1], i: null, b: 1, l: {} }).map((d) => d.type);
  assert.deepEqual(types, ["float_type", "float_type", "bool_type", "list_type"]);
  const fractional = details(z.object({ i: z.int() }), { i: 1.5 })[0];
  assert.equal(fractional.type, "int_from_float");
  assert.equal(
    fractional.msg,
    "Input should be a valid integer, got a number with a fractional part",
  );
  const text = details(z.object({ n: z.number() }), { n: "abc" })[0];
  assert.equal(text.type, "float_parsing");
});

Deno.test("toErrorDetails(): bounds carry ctx like pydantic", () => {
  const s = z.object({
    ge: z.number().min(0),
    gt: z.number().gt(0),
    le: z.number().max(5),
    lt: z.number().lt(5),
    short: z.string().min(2),
    long: z.string().max(1),
    few: z.array(z.number()).min(1),
  });
  const out = details(s, { ge: -1, gt: 0, le: 6, lt: 5, short: "a", long: "ab", few: [] });
  assert.deepEqual(out.map((d) => [d.type, d.ctx]), [
    ["greater_than_equal", { ge: 0 }],
    ["greater_than", { gt: 0 }],
    ["less_than_equal", { le: 5 }],
    ["less_than", { lt: 5 }],
    ["string_too_short", { min_length: 2 }],
    ["string_too_long", { max_length: 1 }],
    ["too_short", { field_type: "List", min_length: 1 }],
  ]);
  assert.equal(out[0].msg, "Input should be greater than or equal to 0");
  assert.equal(out[5].msg, "String should have at most 1 character");
});

Deno.test("toErrorDetails(): literals and enums list what was expected", () => {
  const one = details(z.object({ t: z.literal("a") }), { t: "b" })[0];
  assert.deepEqual(one, {
    type: "literal_error",
    loc: ["t"],
    msg: "Input should be 'a'",
    input: "b",
    ctx: { expected: "'a'" },
  });
  const many = details(z.object({ t: z.enum(["a", "b", "c"]) }), { t: "z" })[0];
  assert.equal(many.type, "enum");
  assert.equal(many.msg, "Input should be 'a', 'b' or 'c'");
});

Deno.test("toErrorDetails(): nested paths keep array indexes and take a prefix", () => {
  const s = z.object({ items: z.array(z.object({ n: z.number() })) });
  assert.deepEqual(details(s, { items: [{ n: 1 }, { n: "x" }] }, ["body", "action"]), [{
    type: "float_parsing",
    loc: ["body", "action", "items", 1, "n"],
    msg: "Input should be a valid number, unable to parse string as a number",
    input: "x",
  }]);
});

Deno.test("toErrorDetails(): other issues become value_error with zod's message", () => {
  const s = z.object({ v: z.string().refine((x) => x === "ok", "Must be ok") });
  assert.deepEqual(details(s, { v: "no" }), [
    { type: "value_error", loc: ["v"], msg: "Must be ok", input: "no" },
  ]);
});

Deno.test("checkResetFields(): seed and episode_id follow ResetRequest", () => {
  assert.deepEqual(checkResetFields({ seed: 42, episode_id: "e", foo: 1 }, ["body"]), {
    ok: true,
    value: { seed: 42, episode_id: "e", extras: { foo: 1 } },
  });
  assert.deepEqual(checkResetFields({ seed: null, episode_id: null }, ["body"]), {
    ok: true,
    value: { extras: {} },
  });
  assert.deepEqual(checkResetFields({ seed: "7" }, ["body"]), {
    ok: true,
    value: { seed: 7, extras: {} },
  });
  assert.deepEqual(checkResetFields({ seed: -1 }, ["body"]), {
    ok: false,
    errors: [{
      type: "greater_than_equal",
      loc: ["body", "seed"],
      msg: "Input should be greater than or equal to 0",
      input: -1,
      ctx: { ge: 0 },
    }],
  });
  const long = checkResetFields({ episode_id: "x".repeat(256) }, ["data"]);
  assert.equal(long.ok, false);
  assert.deepEqual(!long.ok && long.errors[0].ctx, { max_length: 255 });
  assert.deepEqual(!long.ok && long.errors[0].loc, ["data", "episode_id"]);
  const both = checkResetFields({ seed: 1.5, episode_id: 5 }, ["body"]);
  assert.deepEqual(!both.ok && both.errors.map((e) => e.type), ["int_from_float", "string_type"]);
});

Deno.test("laxInt() accepts what pydantic's lax int accepts", () => {
  assert.deepEqual(laxInt(7), { ok: true, value: 7 });
  assert.deepEqual(laxInt(1.0), { ok: true, value: 1 });
  assert.deepEqual(laxInt(true), { ok: true, value: 1 });
  assert.deepEqual(laxInt(false), { ok: true, value: 0 });
  assert.deepEqual(laxInt(" 7 "), { ok: true, value: 7 });
  assert.deepEqual(laxInt("1.0"), { ok: true, value: 1 });
  assert.deepEqual(laxInt("-3"), { ok: true, value: -3 });
  const bad = (v: unknown) => {
    const r = laxInt(v);
    return r.ok ? "ok" : r.type;
  };
  assert.equal(bad("abc"), "int_parsing");
  assert.equal(bad("1.5"), "int_parsing");
  assert.equal(bad(1.5), "int_from_float");
  assert.equal(bad(1e30), "int_parsing_size");
  assert.equal(bad(Infinity), "finite_number");
  assert.equal(bad([1]), "int_type");
  assert.equal(bad({}), "int_type");
});

Deno.test("laxFloat() accepts what pydantic's lax float accepts", () => {
  assert.deepEqual(laxFloat(5), { ok: true, value: 5 });
  assert.deepEqual(laxFloat(true), { ok: true, value: 1 });
  assert.deepEqual(laxFloat(" 5 "), { ok: true, value: 5 });
  assert.deepEqual(laxFloat("1e2"), { ok: true, value: 100 });
  assert.deepEqual(laxFloat(".5"), { ok: true, value: 0.5 });
  assert.deepEqual(laxFloat("inf"), { ok: true, value: Infinity });
  assert.deepEqual(laxFloat("-Infinity"), { ok: true, value: -Infinity });
  const nan = laxFloat("nan");
  assert.equal(nan.ok && Number.isNaN(nan.value), true);
  const x = laxFloat("x");
  assert.deepEqual(x, {
    ok: false,
    type: "float_parsing",
    msg: "Input should be a valid number, unable to parse string as a number",
  });
  assert.equal(laxFloat("0x10").ok, false, "hex is not a Python float literal");
  assert.equal(laxFloat("").ok, false);
  assert.deepEqual(laxFloat([1]), {
    ok: false,
    type: "float_type",
    msg: "Input should be a valid number",
  });
});

Deno.test("isPlainObject() accepts only JSON objects", () => {
  assert.equal(isPlainObject({}), true);
  assert.equal(isPlainObject([]), false);
  assert.equal(isPlainObject(null), false);
  assert.equal(isPlainObject("x"), false);
});
