import assert from "node:assert/strict";
import { encodeHttpStep, encodeWsObservation, floatLiteral, internalError } from "./_encoding.ts";
import { floatPlanOf } from "./_float_paths.ts";
import { z } from "zod";

Deno.test("floatLiteral() spells numbers as Python floats", () => {
  assert.equal(floatLiteral(1), "1.0");
  assert.equal(floatLiteral(-3), "-3.0");
  assert.equal(floatLiteral(0), "0.0");
  assert.equal(floatLiteral(-0), "0.0");
  assert.equal(floatLiteral(0.25), "0.25");
  assert.equal(floatLiteral(1e-7), "1e-7");
  assert.equal(floatLiteral(true), "1.0");
  assert.equal(floatLiteral(false), "0.0");
  assert.equal(floatLiteral(null), "null");
  assert.equal(floatLiteral(NaN), "null");
  assert.equal(floatLiteral(Infinity), "null");
  assert.equal(floatLiteral(-Infinity), "null");
});

Deno.test("floatLiteral() uses an exponent from 1e16, where Python would read digits as int", () => {
  assert.equal(floatLiteral(1e15), "1000000000000000.0");
  assert.equal(floatLiteral(1e16), "1e+16");
  assert.equal(floatLiteral(1e20), "1e+20");
  assert.equal(floatLiteral(-1.5e17), "-1.5e+17");
  assert.equal(floatLiteral(12345678901234567), "1.2345678901234568e+16");
  assert.equal(floatLiteral(1e300), "1e+300");
  // Every spelling parses back to the same value.
  for (const v of [1, 1e16, 1e20, 123456789012345680000, 0.1, 5e-324, Number.MAX_VALUE]) {
    assert.equal(JSON.parse(floatLiteral(v)), v);
  }
});

Deno.test("encodeHttpStep() writes observation, float reward and done in the reference's order", () => {
  const text = encodeHttpStep({ observation: { a: "é", n: 2 }, reward: 1, done: false });
  assert.equal(text, '{"observation":{"a":"é","n":2},"reward":1.0,"done":false}');
  assert.equal(
    encodeHttpStep({ observation: {}, reward: true, done: true }),
    '{"observation":{},"reward":1.0,"done":true}',
  );
  assert.equal(
    encodeHttpStep({ observation: {}, reward: null, done: false }),
    '{"observation":{},"reward":null,"done":false}',
  );
});

Deno.test("encodeWsObservation() keeps boolean rewards and spells numbers as floats", () => {
  assert.equal(
    encodeWsObservation({ observation: { x: 1 }, reward: 2, done: false }),
    '{"type":"observation","data":{"observation":{"x":1},"reward":2.0,"done":false}}',
  );
  assert.equal(
    encodeWsObservation({ observation: {}, reward: true, done: false }),
    '{"type":"observation","data":{"observation":{},"reward":true,"done":false}}',
  );
});

Deno.test("encoders apply a float plan to the observation", () => {
  const plan = floatPlanOf(z.object({ score: z.number(), count: z.number().int() }));
  const payload = { observation: { score: 3, count: 3 }, reward: 0.5, done: false };
  assert.equal(
    encodeHttpStep(payload, plan),
    '{"observation":{"score":3.0,"count":3},"reward":0.5,"done":false}',
  );
  assert.equal(
    encodeWsObservation(payload, plan),
    '{"type":"observation","data":{"observation":{"score":3.0,"count":3},"reward":0.5,"done":false}}',
  );
});

Deno.test("internalError() is FastAPI's plain-text 500", async () => {
  const res = internalError();
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await res.text(), "Internal Server Error");
});
