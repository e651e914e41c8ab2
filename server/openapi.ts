/**
 * The OpenAPI document served at `/openapi.json`. The official
 * `openenv validate --url` reads its `paths` to tell the server's mode, so
 * the listed paths follow the mode exactly.
 *
 * @module
 */

/** What the OpenAPI document describes. */
export interface OpenApiOptions {
  /** Environment name, used in the title. */
  name: string;
  /** `simulation` lists `/reset`, `/step` and `/state`; `production` does not. */
  mode: "simulation" | "production";
  /** JSON Schemas of the action, observation and state. */
  schemas: { action: unknown; observation: unknown; state: unknown };
  /** API version; the validator maps `1.x` to the `openenv-http/1.x` profile. @default {"1.0.0"} */
  version?: string;
}

const json = (schema: unknown) => ({ "application/json": { schema } });
const ok = (description: string, schema: unknown = { type: "object" }) => ({
  "200": { description, content: json(schema) },
});
const invalid = {
  "422": {
    description: "Validation error: `detail` lists pydantic-style errors",
    content: json({ $ref: "#/components/schemas/HTTPValidationError" }),
  },
};

/**
 * Builds the OpenAPI 3.1 document of an environment server.
 *
 * @example
 * ```ts
 * import { buildOpenApi } from "@openenv/core/server";
 *
 * const doc = buildOpenApi({
 *   name: "echo_env",
 *   mode: "production",
 *   schemas: { action: {}, observation: {}, state: {} },
 * });
 * console.log(Object.keys(doc.paths as object)); // no /reset in production
 * ```
 */
export function buildOpenApi(options: OpenApiOptions): Record<string, unknown> {
  const { schemas } = options;
  const paths: Record<string, unknown> = {};
  const stepResponse = { $ref: "#/components/schemas/StepResponse" };
  if (options.mode === "simulation") {
    paths["/reset"] = {
      post: {
        summary: "Reset the environment",
        description:
          "Builds a fresh environment, resets it and returns the first observation. Stateless unless the `OpenEnv-Session-Id` header is sent.",
        requestBody: {
          required: false,
          content: json({ $ref: "#/components/schemas/ResetRequest" }),
        },
        responses: { ...ok("First observation", stepResponse), ...invalid },
      },
    };
    paths["/step"] = {
      post: {
        summary: "Execute an action",
        description:
          "Builds a fresh environment and applies one action. Stateless unless the `OpenEnv-Session-Id` header is sent.",
        requestBody: {
          required: true,
          content: json({ $ref: "#/components/schemas/StepRequest" }),
        },
        responses: { ...ok("Resulting observation", stepResponse), ...invalid },
      },
    };
    paths["/state"] = {
      get: { summary: "Get the environment state", responses: ok("Current state", schemas.state) },
    };
  }
  paths["/metadata"] = {
    get: {
      summary: "Get environment metadata",
      responses: ok("Metadata", { $ref: "#/components/schemas/EnvironmentMetadata" }),
    },
  };
  paths["/health"] = {
    get: {
      summary: "Health check",
      responses: ok("Healthy", {
        type: "object",
        properties: { status: { type: "string", enum: ["healthy", "unhealthy", "degraded"] } },
      }),
    },
  };
  paths["/schema"] = {
    get: {
      summary: "Get JSON Schemas of the action, observation and state",
      responses: ok("Schemas", {
        type: "object",
        properties: {
          action: { type: "object" },
          observation: { type: "object" },
          state: { type: "object" },
        },
        required: ["action", "observation", "state"],
      }),
    },
  };
  paths["/mcp"] = {
    post: {
      summary: "JSON-RPC endpoint for tools",
      description:
        "tools/list, tools/call, openenv/session/create and openenv/session/close. Always answers 200 with a JSON-RPC response.",
      requestBody: { required: true, content: json({ type: "object" }) },
      responses: ok("JSON-RPC response"),
    },
  };
  const nullableString = { anyOf: [{ type: "string" }, { type: "null" }] };
  return {
    openapi: "3.1.0",
    info: {
      title: `${options.name} - OpenEnv Environment HTTP API`,
      version: options.version ?? "1.0.0",
      description:
        "Environment server speaking the OpenEnv protocol. Sessions live on the `/ws` WebSocket; see the project's docs for the message format.",
    },
    paths,
    components: {
      schemas: {
        Action: schemas.action,
        Observation: schemas.observation,
        State: schemas.state,
        ResetRequest: {
          type: "object",
          additionalProperties: true,
          properties: {
            seed: { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] },
            episode_id: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
          },
        },
        StepRequest: {
          type: "object",
          additionalProperties: true,
          required: ["action"],
          properties: {
            action: { type: "object", additionalProperties: true },
            timeout_s: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "null" }] },
            request_id: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
          },
        },
        StepResponse: {
          type: "object",
          required: ["observation"],
          properties: {
            observation: { type: "object", additionalProperties: true },
            reward: { anyOf: [{ type: "number" }, { type: "null" }] },
            done: { type: "boolean", default: false },
          },
        },
        EnvironmentMetadata: {
          type: "object",
          required: ["name", "description"],
          properties: {
            name: { type: "string" },
            description: { type: "string" },
            readme_content: nullableString,
            version: nullableString,
            author: nullableString,
            documentation_url: nullableString,
          },
        },
        HTTPValidationError: {
          type: "object",
          properties: { detail: { type: "array", items: { type: "object" } } },
        },
      },
    },
  };
}
