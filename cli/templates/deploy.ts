/**
 * Project files of a new environment that are not TypeScript: `deno.json`,
 * `openenv.yaml`, `Dockerfile`, `.dockerignore` and the README with Space
 * front matter.
 *
 * @module
 */
import { type Manifest, stringifyManifest } from "../manifest.ts";
import { type EnvNames, spaceCard } from "./names.ts";

/** Deno version the Dockerfile's base image carries. */
export const DENO_IMAGE_VERSION = "2.9.6";

/** Default base image of generated Dockerfiles (the official Deno image). */
export const DEFAULT_BASE_IMAGE = `denoland/deno:debian-${DENO_IMAGE_VERSION}`;

/** Permissions the server needs: listen, read its folder, and the env vars the runtime reads. */
export const SERVER_ENV_VARS = [
  "PORT",
  "HOST",
  "ENABLE_WEB_INTERFACE",
  "OPENENV_SERVER_MODE",
  "MAX_CONCURRENT_ENVS",
];

/** The manifest of a new environment. */
export function manifestFor(n: EnvNames): Manifest {
  return {
    spec_version: 1,
    name: n.name,
    type: "space",
    runtime: "deno",
    app: "app.ts",
    port: 8000,
    description: `${n.title}: an OpenEnv environment written in TypeScript for Deno`,
    version: "0.1.0",
    deno: { entry: "server.ts", app: "app.ts", permissions: { env: SERVER_ENV_VARS } },
  };
}

/** `openenv.yaml`. */
export function manifestYaml(n: EnvNames): string {
  return "# OpenEnv manifest, read by `openenv` (Python) and `@openenv/cli` (Deno).\n" +
    "# The `deno:` block is ours; Python tools ignore it.\n" +
    stringifyManifest(manifestFor(n));
}

/** `deno.json`: tasks and the import map; `imports` comes from `init`. */
export function denoJson(imports: Record<string, string>): string {
  const run = "--allow-net --allow-read=. --allow-env=" + SERVER_ENV_VARS.join(",");
  return JSON.stringify(
    {
      tasks: {
        start: `deno run ${run} server.ts`,
        dev: `deno run --watch ${run} server.ts`,
        test: "deno test --allow-net --allow-read=. --allow-env",
        check: "deno check *.ts",
      },
      imports,
    },
    null,
    2,
  ) + "\n";
}

/** File name of an optional CA bundle in the build context (for TLS-intercepting proxies). */
export const EXTRA_CA_FILE = ".openenv-extra-ca.pem";

/**
 * `Dockerfile`: two stages on the official Deno image. The build stage
 * bundles the server and its npm dependencies into one file; the final image
 * is the base image plus that file, run with `--no-npm --no-remote` (it can
 * load no code it was not built with).
 */
export function dockerfile(n: EnvNames): string {
  return `# ${n.name}: OpenEnv environment server (Deno).
# Build: openenv build      (or: docker build -t ${defaultImageTag(n)} .)
# Run:   docker run --init -p 8000:8000 ${defaultImageTag(n)}
ARG BASE_IMAGE=${DEFAULT_BASE_IMAGE}

FROM \${BASE_IMAGE} AS build
LABEL org.openenv.build-stage="${n.name}"
WORKDIR /src
COPY . .
# \`openenv build\` adds ${EXTRA_CA_FILE} to the context behind a TLS-intercepting proxy.
RUN if [ -f ${EXTRA_CA_FILE} ]; then export DENO_CERT=/src/${EXTRA_CA_FILE}; fi && \\
    mkdir -p /out && deno bundle --quiet -o /out/server.js server.ts

FROM \${BASE_IMAGE}
WORKDIR /app
COPY --from=build /out/server.js ./server.js
USER deno
ENV PORT=8000 HOST=0.0.0.0
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8000/health'); Deno.exit(r.ok ? 0 : 1)"]
ENTRYPOINT ["deno"]
CMD ["run", "--no-config", "--no-npm", "--no-remote", "--allow-net", "--allow-env=${
    SERVER_ENV_VARS.join(",")
  }", "server.js"]
`;
}

function defaultImageTag(n: EnvNames): string {
  return `openenv-${n.short.toLowerCase()}`;
}

/** `.dockerignore`. */
export function dockerignore(): string {
  return [".git", ".env", "node_modules", "*.log", ""].join("\n");
}

/** `README.md` with the Hugging Face Space front matter. */
export function readme(n: EnvNames): string {
  const card = spaceCard(n.name);
  return `---
title: ${n.title} Environment Server
emoji: ${card.emoji}
colorFrom: ${card.colorFrom}
colorTo: ${card.colorTo}
sdk: docker
pinned: false
app_port: 8000
base_path: /web
tags:
  - openenv
  - deno
---

# ${n.title}

An [OpenEnv](https://github.com/huggingface/OpenEnv) environment written in TypeScript for Deno.
It echoes each message back; the reward is 0.1 per character. Replace the logic in
\`${n.name}_environment.ts\` and the fields in \`models.ts\` with your own.

## Run it

\`\`\`sh
openenv serve            # http://127.0.0.1:8000, /ws for sessions, /docs for the API
openenv serve --watch    # restart on every edit
deno task test           # unit and protocol tests
openenv validate         # checks this folder; add --url to check a running server
\`\`\`

## Use it

From TypeScript, or from Python with the official client:

\`\`\`python
from openenv.core import GenericEnvClient

with GenericEnvClient(base_url="http://localhost:8000").sync() as env:
    env.reset()
    print(env.step({"message": "hello"}).reward)  # 0.5
\`\`\`

## Ship it

\`\`\`sh
openenv build                         # Docker image openenv-${n.short}
openenv push --repo-id you/${n.kebab}  # Hugging Face Space (HF_TOKEN)
openenv push --registry localhost:5000 # or any container registry
\`\`\`

| Route | What |
| --- | --- |
| \`POST /reset\`, \`POST /step\`, \`GET /state\` | Stateless HTTP (one fresh environment per call) |
| \`WS /ws\` | A session: \`reset\`, \`step\`, \`state\`, \`close\` messages |
| \`GET /health\`, \`/metadata\`, \`/schema\` | Health, description, JSON schemas |
| \`POST /mcp\` | JSON-RPC (MCP) |
| \`/web\` | Web interface, when \`ENABLE_WEB_INTERFACE=true\` |
`;
}
