import assert from "node:assert/strict";
import { z } from "zod";
import { ObservationSchema } from "../core/models.ts";
import { floatPlanOf, stringifyWithFloats } from "./_float_paths.ts";

const spell = (schema: z.ZodType, value: unknown) =>
  stringifyWithFloats(value, floatPlanOf(schema));

Deno.test("floatPlanOf() is null when a schema declares no float, so JSON.stringify is used", () => {
  assert.equal(floatPlanOf(undefined), null);
  assert.equal(floatPlanOf(z.object({ n: z.number().int(), s: z.string() })), null);
  assert.equal(floatPlanOf(z.object({ n: z.int(), m: z.int32(), k: z.uint32() })), null);
  assert.equal(floatPlanOf(z.object({ tags: z.array(z.string()) })), null);
  assert.equal(floatPlanOf(z.object({ lit: z.literal(3) })), null);
  // The base observation: reward and done are hoisted out of the observation payload,
  // metadata is free-form; the plan for reward is harmless because it is never in the payload.
  const value = { metadata: { n: 1 } };
  assert.equal(stringifyWithFloats(value, floatPlanOf(ObservationSchema)), '{"metadata":{"n":1}}');
});

Deno.test("stringifyWithFloats() spells top-level float fields and leaves ints alone", () => {
  const schema = z.object({ score: z.number(), count: z.number().int(), name: z.string() });
  assert.equal(
    spell(schema, { score: 3, count: 3, name: "a" }),
    '{"score":3.0,"count":3,"name":"a"}',
  );
  assert.equal(
    spell(schema, { score: 2.5, count: 1, name: "b" }),
    '{"score":2.5,"count":1,"name":"b"}',
  );
});

Deno.test("stringifyWithFloats() follows nested objects, arrays, tuples, records and wrappers", () => {
  const schema = z.object({
    inner: z.object({ f: z.number(), i: z.number().int() }),
    floats: z.array(z.number()),
    grid: z.array(z.array(z.number())),
    pair: z.tuple([z.number().int(), z.number()]),
    d: z.record(z.string(), z.number()),
    opt: z.number().nullable().optional(),
    dflt: z.number().default(0),
    ro: z.number().readonly(),
    anyv: z.unknown(),
  });
  const value = {
    inner: { f: 2, i: 3 },
    floats: [1, 2.5],
    grid: [[1, 2], [3]],
    pair: [1, 2],
    d: { a: 1 },
    opt: 4,
    dflt: 0,
    ro: -1,
    anyv: 5,
  };
  assert.equal(
    spell(schema, value),
    '{"inner":{"f":2.0,"i":3},"floats":[1.0,2.5],"grid":[[1.0,2.0],[3.0]],"pair":[1,2.0],' +
      '"d":{"a":1.0},"opt":4.0,"dflt":0.0,"ro":-1.0,"anyv":5}',
  );
  assert.equal(spell(schema, { ...value, opt: null }).includes('"opt":null'), true);
});

Deno.test("stringifyWithFloats() treats unions by what they may hold", () => {
  const floatOrNull = z.object({ v: z.union([z.number(), z.null()]) });
  assert.equal(spell(floatOrNull, { v: 1 }), '{"v":1.0}');
  const intOrFloat = z.object({ v: z.union([z.number().int(), z.number()]) });
  assert.equal(spell(intOrFloat, { v: 1 }), '{"v":1}', "an int option wins, as for Python ints");
  const floatOrString = z.object({ v: z.union([z.number(), z.string()]) });
  assert.equal(spell(floatOrString, { v: 1 }), '{"v":1.0}');
  assert.equal(spell(floatOrString, { v: "1" }), '{"v":"1"}');
  const shaped = z.object({ v: z.union([z.object({ f: z.number() }), z.string()]) });
  assert.equal(spell(shaped, { v: { f: 1 } }), '{"v":{"f":1.0}}');
  assert.equal(spell(shaped, { v: "x" }), '{"v":"x"}');
});

Deno.test("stringifyWithFloats() matches JSON.stringify for everything that is not a float", () => {
  const schema = z.object({ f: z.number(), list: z.array(z.number()) });
  const date = new Date(0);
  const cases: Record<string, unknown>[] = [
    { f: 1.5, extra: { nested: [1, "é", null, true] }, list: [] },
    { f: NaN, list: [Infinity, -0] },
    { f: undefined, list: [undefined, 1], skip: undefined, fn: () => 1, when: date },
    { f: "not a number", list: "not a list" },
    { f: { odd: 1 }, list: [[1], { a: 1 }] },
  ];
  for (const value of cases) {
    const expected = JSON.stringify(value, (_k, v) => v);
    const got = spell(schema, value);
    // Same value when parsed back, and only float spellings differ.
    assert.deepEqual(JSON.parse(got), JSON.parse(expected));
  }
  assert.equal(spell(schema, { f: NaN, list: [Infinity] }), '{"f":null,"list":[null]}');
  assert.equal(spell(schema, { f: 1, when: date }), `{"f":1.0,"when":"1970-01-01T00:00:00.000Z"}`);
  assert.equal(spell(schema, { f: 1, skip: undefined }), '{"f":1.0}');
  assert.equal(spell(schema, { list: [undefined, 1] }), '{"list":[null,1.0]}');
});

Deno.test("floatPlanOf() survives recursive schemas (floats found at the first level)", () => {
  interface Node {
    v: number;
    kids: Node[];
  }
  const Node: z.ZodType<Node> = z.lazy(() => z.object({ v: z.number(), kids: z.array(Node) }));
  const text = spell(Node, { v: 1, kids: [{ v: 2, kids: [] }] });
  assert.deepEqual(JSON.parse(text), { v: 1, kids: [{ v: 2, kids: [] }] });
  assert.equal(text.startsWith('{"v":1.0'), true);
});

Deno.test("one precomputed plan serves many values", () => {
  const schema = z.object({ f: z.number() });
  const plan = floatPlanOf(schema);
  for (let i = 0; i < 3; i++) {
    assert.equal(stringifyWithFloats({ f: i }, plan), `{"f":${i}.0}`);
  }
});
