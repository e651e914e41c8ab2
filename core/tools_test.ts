import assert from "node:assert/strict";
import { isToolHost, RESERVED_TOOL_NAMES } from "./tools.ts";

Deno.test("RESERVED_TOOL_NAMES holds the four environment verbs", () => {
  assert.deepEqual([...RESERVED_TOOL_NAMES].sort(), ["close", "reset", "state", "step"]);
});

Deno.test("isToolHost() needs both listTools and callTool functions", () => {
  assert.equal(isToolHost({ listTools: () => [], callTool: () => null }), true);
  assert.equal(isToolHost({ listTools: () => [] }), false);
  assert.equal(isToolHost({ listTools: [], callTool: () => null }), false);
  assert.equal(isToolHost(null), false);
  assert.equal(isToolHost("tools"), false);
  class Host {
    listTools() {
      return [];
    }
    callTool() {
      return null;
    }
  }
  assert.equal(isToolHost(new Host()), true, "methods on the prototype count");
});
