/**
 * Local validation of an environment folder: manifest, modules, type check,
 * tests, Dockerfile, README front matter.
 *
 * @module
 */
import $ from "dax";
import YAML from "yaml";
import { listFiles, statOrNull } from "../_fs.ts";
import { CliError } from "../errors.ts";
import { denoSettings, type Manifest, readManifest } from "../manifest.ts";
import { type Criterion, summarize, type ValidationReport } from "./report.ts";

/** Options of {@linkcode validateFolder}. */
export interface LocalValidationOptions {
  /** Skip `deno check` (fast mode). @default {false} */
  skipTypeCheck?: boolean;
  /** Called before each slow step, for progress display. */
  onStep?: (message: string) => void;
}

/** Reads the README front matter (the YAML between the leading `---` lines), or null. */
export function readFrontMatter(text: string): Record<string, unknown> | null {
  const match = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?/);
  if (!match) return null;
  try {
    const data = YAML.parse(match[1]);
    return data && typeof data === "object" && !Array.isArray(data) ? data : null;
  } catch {
    return null;
  }
}

const SKIP_DIRS = new Set([".git", "node_modules", ".cache", ".venv", "__pycache__"]);

/**
 * Checks an environment folder and returns the report (the manifest must
 * at least parse; otherwise a {@linkcode CliError} explains why).
 *
 * @example
 * ```ts ignore
 * import { validateFolder } from "@openenv/cli/lib";
 *
 * const report = await validateFolder("envs/echo");
 * if (!report.passed) console.log(report.summary.failed_criteria);
 * ```
 */
export async function validateFolder(
  dir: string,
  options: LocalValidationOptions = {},
): Promise<ValidationReport> {
  const criteria: Criterion[] = [];
  const add = (c: Criterion) => criteria.push(c);

  let manifest: Manifest | undefined;
  let manifestError: string | undefined;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    manifestError = error.message;
  }
  add({
    id: "manifest_valid",
    description: "openenv.yaml exists and is a valid manifest",
    required: true,
    passed: manifest !== undefined,
    details: manifestError,
  });
  add({
    id: "manifest_spec_version",
    description: "openenv.yaml declares spec_version 1 (what Python discovery expects)",
    required: false,
    passed: manifest?.spec_version === 1,
    actual: manifest?.spec_version ?? null,
  });

  if (
    manifest && !manifest.deno && (manifest.runtime === "fastapi" || /:/.test(manifest.app ?? ""))
  ) {
    // A Python environment: our folder checks do not apply to it.
    add({
      id: "deno_environment",
      description: "The folder is a Deno environment",
      required: true,
      passed: false,
      details: `openenv.yaml says runtime "${manifest.runtime ?? "?"}", app "${
        manifest.app ?? "?"
      }": a Python environment. Check the folder with the official \`openenv validate\`, or run it and use --url.`,
    });
    return report(dir, criteria);
  }

  const settings = manifest ? denoSettings(manifest) : undefined;
  const entry = settings?.entry ?? "server.ts";
  const entryInfo = await statOrNull(`${dir}/${entry}`);
  add({
    id: "entry_module",
    description: `Server entry module "${entry}" exists`,
    required: true,
    passed: entryInfo?.isFile === true,
    details: entryInfo ? undefined : `no file "${entry}" in ${dir}; set deno.entry in openenv.yaml`,
  });
  const app = settings?.app;
  if (app) {
    const appInfo = await statOrNull(`${dir}/${app}`);
    let exportsDefault = false;
    if (appInfo?.isFile) {
      exportsDefault = /export\s+default\b|export\s*\{[^}]*\bas\s+default\b/.test(
        await Deno.readTextFile(`${dir}/${app}`),
      );
    }
    add({
      id: "app_module",
      description: `App module "${app}" exists and has a default export (for \`deno serve\`)`,
      required: true,
      passed: exportsDefault,
      details: appInfo ? "no `export default` found" : `no file "${app}"`,
    });
  }

  let configOk = false;
  let configDetails: string | undefined;
  if (await statOrNull(`${dir}/deno.json`)) {
    try {
      JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
      configOk = true;
    } catch (error) {
      configDetails = `deno.json does not parse: ${(error as Error).message}`;
    }
  } else if (await statOrNull(`${dir}/deno.jsonc`)) {
    configOk = true;
  } else {
    configDetails = "no deno.json: imports such as @openenv/core cannot resolve";
  }
  add({
    id: "deno_config",
    description: "deno.json exists and parses",
    required: true,
    passed: configOk,
    details: configDetails,
  });

  if (!options.skipTypeCheck && entryInfo?.isFile) {
    options.onStep?.("deno check");
    // Every top-level module (entry, app, client, tests), so a broken client or test shows up too.
    const modules: string[] = [];
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /\.(ts|tsx|mts)$/.test(e.name)) modules.push(e.name);
    }
    modules.sort();
    const result = await $`${Deno.execPath()} check ${modules}`.cwd(dir)
      .env({ NO_COLOR: "1" }).stdout("piped").stderr("piped").noThrow();
    const output = (result.stderr + result.stdout).trim();
    add({
      id: "type_check",
      description: `\`deno check\` passes for ${modules.length} module(s)`,
      required: true,
      passed: result.code === 0,
      details: result.code === 0
        ? modules.join(", ")
        : output.split("\n").slice(-15).join("\n        "),
    });
  }

  const files = await listFiles(dir, (rel, isDir) => isDir && SKIP_DIRS.has(rel.split("/").pop()!));
  const tests = files.filter((f) => /(^|\/|_|\.)test\.(ts|tsx|js|mjs)$/.test(f));
  add({
    id: "tests_present",
    description: "The environment has tests (*_test.ts)",
    required: true,
    passed: tests.length > 0,
    details: tests.length > 0 ? `${tests.length} test file(s)` : "no *_test.ts file found",
  });

  const dockerfilePath = files.includes("Dockerfile")
    ? "Dockerfile"
    : files.includes("server/Dockerfile")
    ? "server/Dockerfile"
    : undefined;
  let dockerOk = false;
  let dockerDetails = "no Dockerfile (or server/Dockerfile): `openenv build` and Spaces need one";
  if (dockerfilePath) {
    const text = await Deno.readTextFile(`${dir}/${dockerfilePath}`);
    const hasFrom = /^\s*FROM\s+\S+/im.test(text);
    const hasCmd = /^\s*(CMD|ENTRYPOINT)\s+/im.test(text);
    dockerOk = hasFrom && hasCmd;
    dockerDetails = dockerOk
      ? dockerfilePath
      : `${dockerfilePath} needs a FROM and a CMD or ENTRYPOINT`;
  }
  add({
    id: "dockerfile",
    description: "A Dockerfile with FROM and CMD exists",
    required: true,
    passed: dockerOk,
    details: dockerDetails,
  });

  const readme = files.includes("README.md") ? await Deno.readTextFile(`${dir}/README.md`) : "";
  const front = readme ? readFrontMatter(readme) : null;
  const port = manifest?.port ?? 8000;
  const problems: string[] = [];
  if (!readme) problems.push("no README.md");
  else if (!front) problems.push("README.md has no YAML front matter");
  else {
    if (front.sdk !== "docker") {
      problems.push(`sdk is ${JSON.stringify(front.sdk ?? null)}, not "docker"`);
    }
    if (front.app_port !== undefined && front.app_port !== port) {
      problems.push(`app_port ${front.app_port} differs from the manifest port ${port}`);
    }
    const tags = Array.isArray(front.tags) ? front.tags : [];
    if (!tags.includes("openenv")) problems.push('tags lack "openenv"');
  }
  add({
    id: "space_front_matter",
    description: "README.md front matter is ready for a Space (sdk: docker, app_port, openenv tag)",
    required: false,
    passed: problems.length === 0,
    details: problems.join("; ") || undefined,
  });

  return report(dir, criteria);
}

function report(dir: string, criteria: Criterion[]): ValidationReport {
  const { passed, summary } = summarize(criteria);
  return {
    target: dir,
    validation_type: "local_environment",
    standard_version: "local",
    standard_profile: "openenv-local",
    passed,
    summary,
    criteria,
  };
}
