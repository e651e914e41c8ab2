import assert from "node:assert/strict";
import { z } from "zod";
import { pythonClassPrefix, pythonModuleName, renderPythonPackage } from "./python_package.ts";

Deno.test("class and module names follow Python discovery", () => {
  assert.equal(pythonClassPrefix("echo_env"), "Echo");
  assert.equal(pythonClassPrefix("browser_gym_env"), "BrowserGym");
  assert.equal(pythonClassPrefix("chess"), "Chess");
  assert.equal(pythonModuleName("my-game"), "my_game");
});

Deno.test("renderPythonPackage maps JSON schema types to pydantic fields", () => {
  const action = z.object({
    move: z.string().describe("UCI move"),
    count: z.number().int().default(1),
    weights: z.array(z.number()),
    mode: z.enum(["fast", "slow"]),
    note: z.string().nullable().optional(),
    options: z.record(z.string(), z.boolean()).default({}),
    metadata: z.record(z.string(), z.unknown()).default({}),
  });
  const files = renderPythonPackage({
    manifest: { name: "chess_env", version: "0.2.0", description: 'Say "hi"' },
    schemas: {
      action: z.toJSONSchema(action, { io: "input" }) as Record<string, unknown>,
      observation: {
        type: "object",
        properties: { board: { type: "string", default: "" }, reward: { type: "number" } },
      },
    },
  });
  const models = files.get("models.py")!;
  assert.match(models, /class ChessAction\(Action\):/);
  assert.match(models, /move: str = Field\(\.\.\., description="UCI move"\)/);
  assert.match(models, /count: int = Field\(default=1\)/);
  assert.match(models, /weights: List\[float\] = Field\(\.\.\.\)/);
  assert.match(models, /mode: Literal\["fast", "slow"\] = Field\(\.\.\.\)/);
  assert.match(models, /note: Optional\[str\] = Field\(default=None\)/);
  assert.match(models, /options: Dict\[str, bool\] = Field\(default_factory=lambda: \{\}\)/);
  assert.doesNotMatch(models, /metadata:/); // a base field
  assert.match(
    models,
    /class ChessObservation\(Observation\):\n[^\n]*\n\n {4}board: str = Field\(default=""\)/,
  );
  assert.doesNotMatch(models.split("class ChessObservation")[1], /reward:/);
  assert.match(models, /class ChessState\(State\):\n[^\n]*\n\n {4}pass/);
  const pyproject = files.get("pyproject.toml")!;
  assert.match(pyproject, /name = "openenv-chess_env"/);
  assert.match(pyproject, /version = "0\.2\.0"/);
  assert.match(pyproject, /description = "Say 'hi'"/);
  assert.match(pyproject, /package-dir = \{ "chess_env" = "\." \}/);
  assert.match(
    files.get("client.py")!,
    /class ChessEnv\(EnvClient\[ChessAction, ChessObservation, ChessState\]\)/,
  );
  assert.match(files.get("__init__.py")!, /from \.client import ChessEnv/);
});

Deno.test("the generated modules compile with Python", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = renderPythonPackage({
      manifest: { name: "x_env" },
      schemas: {
        action: {
          type: "object",
          properties: {
            class: { type: "string" },
            a: { anyOf: [{ type: "integer" }, { type: "string" }] },
          },
        },
        observation: { type: "object", properties: {} },
      },
    });
    for (const [path, text] of files) await Deno.writeTextFile(`${dir}/${path}`, text);
    const out = await new Deno.Command("python3", {
      args: ["-m", "py_compile", `${dir}/models.py`, `${dir}/client.py`, `${dir}/__init__.py`],
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    // A field named like a Python keyword is left out rather than breaking the module.
    assert.doesNotMatch(files.get("models.py")!, /class: /);
    assert.match(files.get("models.py")!, /a: Optional\[Union\[int, str\]\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
