/**
 * Templates of `openenv init`: every file of a new TypeScript environment,
 * rendered from its name. Templates are string functions, so the CLI ships as
 * plain modules.
 *
 * @example
 * ```ts
 * import { envNames, renderProject } from "@openenv/cli/lib";
 *
 * const files = renderProject(envNames("my_game"), { imports: {} });
 * console.log([...files.keys()].sort());
 * ```
 *
 * @module
 */
import type { EnvNames } from "./names.ts";
import {
  appTestTs,
  appTs,
  environmentTestTs,
  environmentTs,
  modelsTs,
  serverTs,
} from "./typescript.ts";
import { denoJson, dockerfile, dockerignore, manifestYaml, readme } from "./deploy.ts";
import { clientTs } from "./client.ts";

export { type EnvNames, envNames, spaceCard } from "./names.ts";
export { DEFAULT_BASE_IMAGE, manifestFor, SERVER_ENV_VARS } from "./deploy.ts";

/** Options of {@linkcode renderProject}. */
export interface RenderOptions {
  /** The import map of the generated `deno.json`. */
  imports: Record<string, string>;
  /** Also generate `client.ts` (needs `@openenv/core/client`). @default {true} */
  client?: boolean;
}

/** Renders every file of a new environment, by relative path. */
export function renderProject(names: EnvNames, options: RenderOptions): Map<string, string> {
  const files = new Map<string, string>([
    ["deno.json", denoJson(options.imports)],
    ["openenv.yaml", manifestYaml(names)],
    ["models.ts", modelsTs(names)],
    [`${names.name}_environment.ts`, environmentTs(names)],
    ["app.ts", appTs(names)],
    ["server.ts", serverTs(names)],
    [`${names.name}_environment_test.ts`, environmentTestTs(names)],
    ["app_test.ts", appTestTs(names)],
    ["Dockerfile", dockerfile(names)],
    [".dockerignore", dockerignore()],
    ["README.md", readme(names)],
  ]);
  if (options.client !== false) {
    for (const [path, text] of clientTs(names)) files.set(path, text);
  }
  return files;
}
