/**
 * `openenv push [dir]`: deploy to a Hugging Face Space, or push the image to
 * a container registry.
 *
 * @module
 */
import {
  type CommandSpec,
  keyValueFlag,
  listFlag,
  type ParsedCommand,
  stringFlag,
} from "../_args.ts";
import { requireDir, resolvePath } from "../_fs.ts";
import { err, out, step, style, success, warn, withProgress } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";
import { dockerPush, requireDocker } from "../docker.ts";
import { DEFAULT_HUB_ENDPOINT, HubClient } from "../hub/hub_client.ts";
import { readManifest } from "../manifest.ts";
import { stageSpaceFiles } from "../space_files.ts";
import { buildImage, defaultTag } from "./build.ts";

/** The `push` command. */
export const pushSpec: CommandSpec = {
  name: "push",
  summary: "Deploy to a Hugging Face Space, or push the image to a registry",
  description: `
Space (default): creates the Docker Space if needed, uploads the folder in one
commit (Dockerfile at the root, README front matter with sdk: docker, app_port
and the openenv tag, ENABLE_WEB_INTERFACE for the web UI, and a generated
Python client package so \`pip install git+https://huggingface.co/spaces/OWNER/NAME\`
and AutoEnv.from_hub work), then sets variables (openenv.yaml \`variables\`,
then -e) and secrets. The token comes from --token, HF_TOKEN or
~/.cache/huggingface/token. HF_ENDPOINT overrides the Hub URL.

--registry HOST[/NAMESPACE]: builds the image and pushes it as
HOST/NAMESPACE/openenv-<name>:<tag> (web interface off unless --interface).

--dry-run prints every file and every call without sending anything.`,
  positionals: [{ name: "dir", description: "Environment folder", optional: true }],
  options: {
    "repo-id": {
      type: "string",
      short: "r",
      valueName: "owner/name",
      description: "Space id",
      defaultText: "<your account>/<manifest name, _ as ->",
    },
    token: {
      type: "string",
      valueName: "token",
      description: "Hugging Face token",
      defaultText: "$HF_TOKEN",
    },
    private: { type: "boolean", description: "Create the Space as private" },
    hardware: {
      type: "string",
      short: "H",
      valueName: "flavor",
      description: "Space hardware, e.g. cpu-basic, t4-small",
    },
    "env-var": {
      type: "string",
      short: "e",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Space variable (overrides openenv.yaml variables)",
    },
    secret: {
      type: "string",
      short: "s",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Space secret (never printed)",
    },
    "create-pr": { type: "boolean", description: "Upload as a pull request to an existing Space" },
    count: {
      type: "string",
      valueName: "n",
      description:
        "Deploy n copies named <repo-id>-1 ... <repo-id>-n (replicas to spread rollouts over)",
      defaultText: "1",
    },
    "commit-message": {
      type: "string",
      short: "m",
      valueName: "text",
      description: "Commit message",
    },
    exclude: {
      type: "string",
      multiple: true,
      valueName: "file",
      description: "File of extra ignore patterns (gitignore style)",
    },
    interface: { type: "boolean", description: "Serve the web interface (default for Spaces)" },
    "no-interface": { type: "boolean", description: "Do not serve the web interface" },
    "base-image": {
      type: "string",
      short: "b",
      valueName: "image",
      description: "Replace the Dockerfile's base image",
    },
    "no-python": { type: "boolean", description: "Do not add the generated Python client package" },
    registry: {
      type: "string",
      valueName: "host[/namespace]",
      description: "Push the Docker image to this registry instead",
    },
    tag: {
      type: "string",
      short: "t",
      valueName: "tag",
      description: "Image tag with --registry",
      defaultText: "latest",
    },
    "dry-run": {
      type: "boolean",
      short: "n",
      description: "Show the files and calls, send nothing",
    },
    verbose: { type: "boolean", short: "v", description: "Print build and push logs" },
  },
  examples: [
    "openenv push --repo-id me/my-env",
    "openenv push --private -e MODE=hard --secret API_KEY=xyz",
    "openenv push --dry-run",
    "openenv push --registry localhost:5000",
    "openenv push --repo-id me/my-env --count 4",
  ],
};

async function findToken(flag: string | undefined): Promise<string | undefined> {
  if (flag) return flag;
  for (const key of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]) {
    const v = Deno.env.get(key);
    if (v) return v;
  }
  const home = Deno.env.get("HF_HOME") ?? `${Deno.env.get("HOME") ?? ""}/.cache/huggingface`;
  try {
    return (await Deno.readTextFile(`${home}/token`)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The host name of a Space's app: `owner/my_env` gives `owner-my-env.hf.space`. */
export function spaceHost(repoId: string): string {
  return `${repoId.replace("/", "-").replace(/[_.]/g, "-").toLowerCase()}.hf.space`;
}

async function readExcludes(files: string[]): Promise<string[]> {
  const patterns: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      throw new CliError(`Cannot read the ignore file "${file}": ${(error as Error).message}`);
    }
    for (const line of text.split("\n").map((l) => l.trim())) {
      if (!line || line.startsWith("#")) continue;
      if (line.startsWith("!")) {
        warn(`Negated pattern "${line}" in ${file} is not supported and was skipped`);
        continue;
      }
      patterns.push(line);
    }
  }
  return patterns;
}

/** Runs `openenv push`. */
export async function runPush(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const dir = resolvePath(parsed.positionals[0] ?? ".");
  const registry = stringFlag(values, "registry");
  const dryRun = values["dry-run"] === true;
  const usage = (m: string) => new UsageError(m, { command: "push" });
  if (values.interface && values["no-interface"]) {
    throw usage('Flags "--interface" and "--no-interface" exclude each other');
  }
  const countText = stringFlag(values, "count");
  const count = countText === undefined ? 1 : Number(countText);
  if (countText !== undefined && !(/^\d+$/.test(countText) && count >= 1 && count <= 100)) {
    throw usage(`Flag "--count" must be an integer from 1 to 100, got "${countText}"`);
  }
  if (count > 1 && registry !== undefined) {
    throw usage('Flag "--count" applies to Space pushes, not to --registry');
  }
  if (count > 1 && values["create-pr"]) {
    throw usage(
      'Flags "--count" and "--create-pr" exclude each other: a pull request targets one existing Space',
    );
  }
  const envVars = keyValueFlag(listFlag(values, "env-var"), "env-var", "push");
  const secrets = keyValueFlag(listFlag(values, "secret"), "secret", "push", true);
  if (registry !== undefined) {
    for (
      const flag of ["repo-id", "create-pr", "private", "hardware", "env-var", "secret", "token"]
    ) {
      const v = values[flag];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
        throw usage(`Flag "--${flag}" applies to Space pushes, not to --registry`);
      }
    }
    if (!/^[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(registry)) {
      throw usage(`Flag "--registry" must look like HOST[:PORT][/NAMESPACE], got "${registry}"`);
    }
  } else if (values.tag !== undefined) throw usage('Flag "--tag" applies to --registry pushes');
  if (values["create-pr"] && (Object.keys(envVars).length > 0 || Object.keys(secrets).length > 0)) {
    throw usage(
      "Variables and secrets cannot be set in a pull request; push them without --create-pr",
    );
  }
  await requireDir(dir);
  const manifest = await readManifest(dir);

  if (registry !== undefined) {
    const tag = stringFlag(values, "tag") ?? "latest";
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
      throw usage(`Flag "--tag" is not a valid image tag: "${tag}"`);
    }
    const image = `${registry.replace(/\/+$/, "")}/${defaultTag(manifest.name)}:${tag}`;
    const web = values.interface === true;
    if (dryRun) {
      out(`Would build ${dir} as ${image}${web ? " with ENABLE_WEB_INTERFACE=true" : ""}`);
      out(`Would run: docker push ${image}`);
      return 0;
    }
    await requireDocker();
    // The variable goes into the image itself: a build argument the Dockerfile
    // never declares would do nothing.
    await buildImage(dir, {
      tag: image,
      baseImage: stringFlag(values, "base-image"),
      verbose: values.verbose === true,
      webInterface: web ? true : undefined,
    });
    await dockerPush(image, values.verbose === true);
    success(`Pushed ${style.bold(image)}`);
    out(image);
    return 0;
  }

  // Hugging Face Space.
  const token = await findToken(stringFlag(values, "token"));
  if (!token && !dryRun) {
    throw new CliError("No Hugging Face token", {
      hint:
        "Create a write token at https://huggingface.co/settings/tokens, then set HF_TOKEN or pass --token.",
    });
  }
  const hub = new HubClient({ token: token ?? "" });
  let repoId = stringFlag(values, "repo-id");
  if (repoId !== undefined && !/^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/.test(repoId)) {
    throw usage(`Flag "--repo-id" must be NAME or OWNER/NAME, got "${repoId}"`);
  }
  if (!repoId?.includes("/")) {
    const owner = token ? (await hub.whoami()).name : "<your account>";
    // Hugging Face turns "_" into "-" in a Space's host name, and the official
    // AutoEnv.from_hub does not, so a default name with "-" works with both.
    repoId = `${owner}/${repoId ?? manifest.name.replaceAll("_", "-")}`;
  }
  if (repoId.split("/")[1].includes("_")) {
    warn(
      `The Space name "${repoId.split("/")[1]}" contains "_": its app is served at https://${
        spaceHost(repoId)
      }, but the official AutoEnv.from_hub (openenv 0.3.x) looks for "_" in the host and will not find it; prefer "-"`,
    );
  }
  const web = values["no-interface"] !== true;
  const excludes = await readExcludes(listFlag(values, "exclude"));
  const files = await withProgress(
    "Preparing the Space files",
    () =>
      stageSpaceFiles(dir, manifest, {
        interface: web,
        baseImage: stringFlag(values, "base-image"),
        excludes,
        python: values["no-python"] !== true,
      }),
  );
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(manifest.variables ?? {})) variables[k] = String(v);
  Object.assign(variables, envVars);
  const createPr = values["create-pr"] === true;
  const summary = stringFlag(values, "commit-message") ??
    `Upload ${manifest.name} with openenv push`;

  const targets = count > 1
    ? Array.from({ length: count }, (_, i) => `${repoId}-${i + 1}`)
    : [repoId];
  for (const target of targets) {
    const repoId = target;
    if (dryRun) {
      out(
        `Space ${repoId} (${values.private ? "private" : "public"}, Docker SDK, port ${
          manifest.port ?? 8000
        }, web interface ${web ? "on" : "off"})`,
      );
      out("");
      out(`Files (${files.length}):`);
      for (const f of files) {
        out(
          `  ${f.origin.padEnd(9)} ${f.path} (${f.content.length} B)${
            f.note ? `  ${style.dim(f.note)}` : ""
          }`,
        );
      }
      out("");
      out("Calls:");
      const api = hub.endpoint === DEFAULT_HUB_ENDPOINT ? DEFAULT_HUB_ENDPOINT : hub.endpoint;
      if (!token || !stringFlag(values, "repo-id")?.includes("/")) {
        out(`  GET  ${api}/api/whoami-v2`);
      }
      if (!createPr) {
        out(
          `  POST ${api}/api/repos/create {"type":"space","name":"${
            repoId.split("/")[1]
          }","organization":"${repoId.split("/")[0]}","private":${
            values.private === true
          },"sdk":"docker"${values.hardware ? `,"hardware":"${values.hardware}"` : ""}}`,
        );
      }
      const q = createPr ? "?create_pr=1" : "";
      out(`  POST ${api}/api/spaces/${repoId}/preupload/main${q} (${files.length} files)`);
      out(`  POST ${api}/api/spaces/${repoId}/commit/main${q} ("${summary}")`);
      for (const [k, v] of Object.entries(variables)) {
        out(
          `  POST ${api}/api/spaces/${repoId}/variables {"key":"${k}","value":${
            JSON.stringify(v)
          }}`,
        );
      }
      for (const k of Object.keys(secrets)) {
        out(`  POST ${api}/api/spaces/${repoId}/secrets {"key":"${k}","value":"<hidden>"}`);
      }
      continue;
    }

    if (!createPr) {
      const created = await withProgress(
        `Creating the Space ${repoId}`,
        () =>
          hub.createSpace(repoId!, {
            private: values.private === true,
            hardware: stringFlag(values, "hardware"),
          }),
      );
      if (!created.created) step(`Space ${repoId} already exists; updating it`);
    }
    const commit = await withProgress(
      `Uploading ${files.length} files`,
      () => hub.commit(repoId!, files, { summary, createPr }),
    );
    if (!createPr) {
      for (const [k, v] of Object.entries(variables)) await hub.addSpaceVariable(repoId, k, v);
      for (const [k, v] of Object.entries(secrets)) await hub.addSpaceSecret(repoId, k, v);
      if (Object.keys(variables).length + Object.keys(secrets).length > 0) {
        success(
          `Set ${Object.keys(variables).length} variable(s) and ${
            Object.keys(secrets).length
          } secret(s)`,
        );
      }
    }
    const page = `${hub.endpoint}/spaces/${repoId}`;
    if (createPr && commit.pullRequestUrl) success(`Opened ${commit.pullRequestUrl}`);
    else success(`Deployed ${style.bold(repoId)}: ${page}`);
    err(`  App:     https://${spaceHost(repoId)}${web ? "/web" : "/docs"}`);
    err(`  Python:  pip install git+${hub.endpoint}/spaces/${repoId}`);
    err(`  Image:   registry.hf.space/${repoId.replace("/", "-")}:latest`);
    out(commit.pullRequestUrl ?? page);
  }
  return 0;
}
