import assert from "node:assert/strict";
import {
  type CommandSpec,
  formatHelp,
  keyValueFlag,
  parseCommand,
  portFlag,
  usageLine,
} from "./_args.ts";
import { UsageError } from "./errors.ts";

const spec: CommandSpec = {
  name: "demo",
  summary: "A demo command",
  positionals: [{ name: "dir", description: "Folder", optional: true }],
  options: {
    port: { type: "string", short: "p", valueName: "port", description: "Port" },
    web: { type: "boolean", description: "Web UI" },
    env: { type: "string", short: "e", multiple: true, description: "Env var" },
  },
  examples: ["openenv demo -p 1"],
};

Deno.test("parseCommand reads flags, repeats and positionals", () => {
  const r = parseCommand(spec, ["x", "-p", "9", "--web", "-e", "A=1", "-e", "B=2"]);
  assert.deepEqual(r.positionals, ["x"]);
  assert.equal(r.values.port, "9");
  assert.equal(r.values.web, true);
  assert.deepEqual(r.values.env, ["A=1", "B=2"]);
  assert.equal(r.help, false);
  assert.equal(parseCommand(spec, ["--help", "extra", "args"]).help, true);
});

Deno.test("parseCommand turns mistakes into usage errors", () => {
  const usage = (args: string[], pattern: RegExp) =>
    assert.throws(() => parseCommand(spec, args), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 2);
      assert.equal(e.command, "demo");
      assert.match(e.message, pattern);
      return true;
    });
  usage(["--prot", "1"], /Unknown flag "--prot"/);
  usage(["-p"], /Flag "--port" needs a value/);
  usage(["a", "b"], /Unexpected argument "b"/);
  usage(["--web=yes"], /Flag "--web" takes no value/);
});

Deno.test("formatHelp lists usage, options and examples", () => {
  const help = formatHelp(spec);
  assert.match(help, /^Usage: openenv demo \[dir\] \[options\]\n/);
  assert.match(help, /-p, --port <port> +Port/);
  assert.match(help, /-e, --env <value> +Env var \(repeatable\)/);
  assert.match(help, /-h, --help +Show this help/);
  assert.match(help, /Examples:\n {2}openenv demo -p 1/);
  assert.equal(usageLine(spec), "openenv demo [dir] [options]");
});

Deno.test("keyValueFlag and portFlag validate values", () => {
  assert.deepEqual(keyValueFlag(["A=1", "B=x=y", "C="], "env", "demo"), {
    A: "1",
    B: "x=y",
    C: "",
  });
  assert.throws(() => keyValueFlag(["1A=x"], "env", "demo"), /KEY=VALUE.*got "1A=x"/);
  assert.throws(() => keyValueFlag(["TOKEN"], "secret", "demo", true), (e: unknown) => {
    assert.doesNotMatch((e as Error).message, /TOKEN"/);
    return true;
  });
  assert.equal(portFlag({ port: "0" }, "port", "demo"), 0);
  assert.equal(portFlag({}, "port", "demo"), undefined);
  assert.throws(() => portFlag({ port: "70000" }, "port", "demo"), /0 to 65535, got "70000"/);
  assert.throws(() => portFlag({ port: "8k" }, "port", "demo"), UsageError);
});
