import assert from "node:assert/strict";
import { toHttpBase, toWsUrl } from "./_url.ts";
import { resetBody, toStepResult } from "./_payload.ts";
import { ProtocolError } from "./errors.ts";

Deno.test("toWsUrl follows the reference's URL rules", () => {
  const cases: [string, string][] = [
    ["http://localhost:8000", "ws://localhost:8000/ws"],
    ["https://example.com", "wss://example.com/ws"],
    ["https://example.com/", "wss://example.com/ws"],
    ["ws://host:1", "ws://host:1/ws"],
    ["wss://host/x", "wss://host/x/ws"],
    ["localhost:8000", "ws://localhost:8000/ws"],
    ["https://h.example/prefix/env//", "wss://h.example/prefix/env/ws"],
    ["HTTP://Host:80/a?token=t", "ws://host/a/ws?token=t"],
  ];
  for (const [input, expected] of cases) assert.equal(toWsUrl(input), expected, input);
  assert.throws(() => toWsUrl("ftp://h"), /Unsupported URL scheme 'ftp' in 'ftp:\/\/h'/);
  assert.throws(() => toWsUrl("   "), /Invalid base URL/);
});

Deno.test("toHttpBase maps ws schemes back and keeps the path prefix", () => {
  assert.equal(toHttpBase("ws://h:1/p/"), "http://h:1/p");
  assert.equal(toHttpBase("wss://h"), "https://h");
  assert.equal(toHttpBase("127.0.0.1:9"), "http://127.0.0.1:9");
});

Deno.test("resetBody sends episodeId as episode_id and drops undefined keys", () => {
  assert.deepEqual(resetBody({ seed: 1, episodeId: "e", difficulty: "hard", x: undefined }), {
    seed: 1,
    difficulty: "hard",
    episode_id: "e",
  });
  assert.deepEqual(resetBody(), {});
  // deno-lint-ignore no-explicit-any
  assert.throws(() => resetBody([1] as any), /Reset options must be an object/);
});

Deno.test("toStepResult reads payloads like the reference's generic client", () => {
  assert.deepEqual(
    toStepResult({ observation: { a: 1 }, reward: 1.5, done: true }, undefined, "step"),
    {
      observation: { a: 1 },
      reward: 1.5,
      done: true,
    },
  );
  assert.deepEqual(toStepResult({}, undefined, "step"), {
    observation: {},
    reward: null,
    done: false,
  });
  assert.throws(() => toStepResult([], undefined, "step"), ProtocolError);
  assert.throws(() => toStepResult({ observation: 3 }, undefined, "step"), ProtocolError);
});
