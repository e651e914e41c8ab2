/**
 * The Python client package of an environment, generated from its JSON
 * schemas: `pyproject.toml`, `__init__.py`, `models.py` (pydantic models on
 * the official `Action`/`Observation` bases) and `client.py` (an
 * `EnvClient` subclass). Pushed with the Space, it makes
 * `pip install git+https://huggingface.co/spaces/<owner>/<space>` and
 * `AutoEnv.from_hub` work for a Deno environment.
 *
 * @module
 */
import type { Manifest } from "./manifest.ts";

/** Distribution the generated package depends on (the official OpenEnv client). */
export const PYTHON_REQUIREMENT = "openenv>=0.3.1";

/** Schemas of an environment, as served at `GET /schema`. */
export interface EnvSchemas {
  /** JSON schema of the action. */
  action: Record<string, unknown>;
  /** JSON schema of the observation. */
  observation: Record<string, unknown>;
  /** JSON schema of the state. */
  state?: Record<string, unknown>;
}

type Schema = Record<string, unknown>;

const BASE_FIELDS = {
  action: new Set(["metadata"]),
  observation: new Set(["done", "reward", "metadata"]),
  state: new Set(["episode_id", "step_count"]),
};

const PY_KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/** The class prefix Python discovery infers: `my_game_env` and `my_game` give `MyGame`. */
export function pythonClassPrefix(name: string): string {
  const short = name.replace(/[-_]env$/, "");
  return short.split(/[-_]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

/** The Python module name of an environment: `my-game` gives `my_game`. */
export function pythonModuleName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
}

function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  return `{${
    Object.entries(value as Schema).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`).join(
      ", ",
    )
  }}`;
}

function pyType(schema: unknown, defs: Schema): string {
  if (!schema || typeof schema !== "object") return "Any";
  const s = schema as Schema;
  if (typeof s.$ref === "string") return pyType(defs[s.$ref.split("/").pop()!], defs);
  if (Array.isArray(s.enum)) return `Literal[${s.enum.map(pyLiteral).join(", ")}]`;
  if ("const" in s) return `Literal[${pyLiteral(s.const)}]`;
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const nonNull = union.filter((u) =>
      !(u && typeof u === "object" && (u as Schema).type === "null")
    );
    const inner = nonNull.length === 1
      ? pyType(nonNull[0], defs)
      : `Union[${nonNull.map((u) => pyType(u, defs)).join(", ")}]`;
    return nonNull.length < union.length ? `Optional[${inner}]` : inner;
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const nullable = types.includes("null");
  const type = types.find((t) => t !== "null");
  let out: string;
  switch (type) {
    case "string":
      out = "str";
      break;
    case "integer":
      out = "int";
      break;
    case "number":
      out = "float";
      break;
    case "boolean":
      out = "bool";
      break;
    case "array":
      out = `List[${pyType(s.items, defs)}]`;
      break;
    case "object":
      out = s.additionalProperties && typeof s.additionalProperties === "object"
        ? `Dict[str, ${pyType(s.additionalProperties, defs)}]`
        : "Dict[str, Any]";
      break;
    default:
      out = "Any";
  }
  return nullable ? `Optional[${out}]` : out;
}

function pyClass(
  className: string,
  base: string,
  schema: Schema | undefined,
  skip: Set<string>,
  fallbackDoc: string,
): string {
  const defs = (schema?.$defs ?? {}) as Schema;
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema?.required ?? []) as string[]);
  const doc = typeof schema?.description === "string" ? schema.description : fallbackDoc;
  const lines = [`class ${className}(${base}):`, `    """${doc.replaceAll('"""', "'''")}"""`, ""];
  let fields = 0;
  for (const [name, prop] of Object.entries(props)) {
    if (skip.has(name)) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || PY_KEYWORDS.has(name)) continue;
    const type = pyType(prop, defs);
    const args: string[] = [];
    if ("default" in prop) {
      const d = prop.default;
      if (d !== null && typeof d === "object") args.push(`default_factory=lambda: ${pyLiteral(d)}`);
      else args.push(`default=${pyLiteral(d)}`);
    } else if (required.has(name)) args.push("...");
    else args.push("default=None");
    if (typeof prop.description === "string") {
      args.push(`description=${JSON.stringify(prop.description)}`);
    }
    const optional = !required.has(name) && !("default" in prop) && !type.startsWith("Optional[")
      ? `Optional[${type}]`
      : type;
    lines.push(`    ${name}: ${optional} = Field(${args.join(", ")})`);
    fields++;
  }
  if (fields === 0) lines.push("    pass");
  return lines.join("\n");
}

/** Options of {@linkcode renderPythonPackage}. */
export interface PythonPackageOptions {
  /** The environment's manifest (name, version, description). */
  manifest: Manifest;
  /** Its schemas. */
  schemas: EnvSchemas;
}

/**
 * Renders the Python client package files (paths relative to the Space
 * root).
 *
 * @example
 * ```ts
 * import { renderPythonPackage } from "@openenv/cli/lib";
 *
 * const files = renderPythonPackage({
 *   manifest: { name: "echo_env", version: "0.1.0" },
 *   schemas: {
 *     action: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
 *     observation: { type: "object", properties: {} },
 *   },
 * });
 * console.log([...files.keys()]); // ["pyproject.toml", "__init__.py", "models.py", "client.py"]
 * ```
 */
export function renderPythonPackage(options: PythonPackageOptions): Map<string, string> {
  const { manifest, schemas } = options;
  const module = pythonModuleName(manifest.name);
  const p = pythonClassPrefix(manifest.name);
  const version = /^\d+(\.\d+)*([a-z]+\d*)?$/.test(manifest.version ?? "")
    ? manifest.version!
    : "0.1.0";
  const description =
    (manifest.description ?? `${manifest.name} environment (OpenEnv, Deno server)`)
      .replaceAll('"', "'");
  const pyproject = `# Generated by @openenv/cli: the Python client of this environment.
# pip install git+https://huggingface.co/spaces/<owner>/<space>
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "openenv-${module}"
version = "${version}"
description = "${description}"
requires-python = ">=3.10"
dependencies = ["${PYTHON_REQUIREMENT}"]

[tool.setuptools]
packages = ["${module}"]
package-dir = { "${module}" = "." }

[tool.setuptools.package-data]
"${module}" = ["openenv.yaml"]
`;
  const header = `# Generated by @openenv/cli from the environment's JSON schemas (GET /schema).\n`;
  const models =
    `${header}"""Wire models of ${manifest.name}, on the official OpenEnv base classes."""

from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import Field

from openenv.core.env_server.types import Action, Observation, State

__all__ = ["${p}Action", "${p}Observation", "${p}State"]


${
      pyClass(
        `${p}Action`,
        "Action",
        schemas.action,
        BASE_FIELDS.action,
        `An action of ${manifest.name}.`,
      )
    }


${
      pyClass(
        `${p}Observation`,
        "Observation",
        schemas.observation,
        BASE_FIELDS.observation,
        `An observation of ${manifest.name}.`,
      )
    }


${pyClass(`${p}State`, "State", schemas.state, BASE_FIELDS.state, `The state of ${manifest.name}.`)}
`;
  const client =
    `${header}"""Client of ${manifest.name}: the official \`EnvClient\` over the /ws protocol."""

from typing import Any, Dict

from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient

from .models import ${p}Action, ${p}Observation, ${p}State

__all__ = ["${p}Env"]


class ${p}Env(EnvClient[${p}Action, ${p}Observation, ${p}State]):
    """Connects to a ${manifest.name} server (a Space URL or http://localhost:8000).

    Example::

        async with ${p}Env(base_url="http://localhost:8000") as env:
            result = await env.reset()
            result = await env.step(${p}Action(...))
    """

    def _step_payload(self, action: ${p}Action) -> Dict[str, Any]:
        return action.model_dump(exclude_none=False, exclude={"metadata"} if not action.metadata else set())

    def _parse_result(self, payload: Dict[str, Any]) -> StepResult[${p}Observation]:
        fields = dict(payload.get("observation") or {})
        fields["done"] = payload.get("done", False)
        fields["reward"] = payload.get("reward")
        return StepResult(
            observation=${p}Observation.model_validate(fields),
            reward=payload.get("reward"),
            done=payload.get("done", False),
        )

    def _parse_state(self, payload: Dict[str, Any]) -> ${p}State:
        return ${p}State.model_validate(payload)
`;
  const init = `${header}"""${manifest.name}: OpenEnv client package."""

from .client import ${p}Env
from .models import ${p}Action, ${p}Observation, ${p}State

__all__ = ["${p}Env", "${p}Action", "${p}Observation", "${p}State"]
`;
  return new Map([
    ["pyproject.toml", pyproject],
    ["__init__.py", init],
    ["models.py", models],
    ["client.py", client],
  ]);
}
