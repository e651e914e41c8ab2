import assert from "node:assert/strict";
import { rewriteBaseImage, setWebInterface } from "./dockerfile.ts";

Deno.test("rewriteBaseImage keeps the stage name and flags (the reference drops AS builder)", () => {
  const multi =
    "FROM --platform=linux/amd64 python:3.11 AS builder\nRUN x\nFROM python:3.11\nCOPY --from=builder /a /a\n";
  assert.equal(
    rewriteBaseImage(multi, "my/base:1"),
    "FROM --platform=linux/amd64 my/base:1 AS builder\nRUN x\nFROM python:3.11\nCOPY --from=builder /a /a\n",
  );
  assert.equal(rewriteBaseImage("RUN x\n", "b"), "FROM b\nRUN x\n");
});

Deno.test("setWebInterface adds the variable before the image's CMD, not a HEALTHCHECK's", () => {
  const text = [
    "FROM a AS build",
    'CMD ["build-only"]',
    "FROM b",
    "HEALTHCHECK --interval=30s \\",
    '  CMD ["check"]',
    'ENTRYPOINT ["deno"]',
    'CMD ["run"]',
    "",
  ].join("\n");
  const out = setWebInterface(text, true).split("\n");
  assert.equal(out[5], "ENV ENABLE_WEB_INTERFACE=true");
  assert.equal(out[6], 'ENTRYPOINT ["deno"]');
  assert.equal(setWebInterface(text, false), text);
  assert.equal(setWebInterface("FROM a\n", true), "FROM a\nENV ENABLE_WEB_INTERFACE=true\n");
});

Deno.test("setWebInterface flips an existing setting both ways", () => {
  const on = "FROM a\nENV ENABLE_WEB_INTERFACE=true\nCMD x\n";
  assert.equal(setWebInterface(on, false), "FROM a\nENV ENABLE_WEB_INTERFACE=false\nCMD x\n");
  assert.equal(setWebInterface(setWebInterface(on, false), true), on);
});
