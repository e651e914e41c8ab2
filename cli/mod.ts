/**
 * `@openenv/cli/lib`: the pieces of the `openenv` command as a library: the
 * `openenv.yaml` manifest, project templates, validation of folders and
 * servers, Docker builds, the Hugging Face Hub client and Space staging.
 *
 * @example Validate a running server from code
 * ```ts ignore
 * import { formatReport, validateRunningServer } from "@openenv/cli/lib";
 *
 * const report = await validateRunningServer("http://127.0.0.1:8000");
 * console.log(formatReport(report));
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./manifest.ts";
export * from "./validate/mod.ts";
export * from "./templates/mod.ts";
export * from "./python_package.ts";
export * from "./space_files.ts";
export * from "./dockerfile.ts";
export * from "./docker.ts";
export * from "./ignore_patterns.ts";
export {
  type CommitFile,
  type CommitResult,
  type CreateSpaceOptions,
  DEFAULT_HUB_ENDPOINT,
  type DuplicateSpaceOptions,
  HubClient,
  type HubClientOptions,
  HubError,
} from "./hub/hub_client.ts";
export { initEnvironment, type InitOptions, localCoreImports } from "./commands/init.ts";
export { serveCommandArgs, type ServeCommandOptions } from "./commands/serve.ts";
export { buildImage, type BuildImageOptions, defaultTag } from "./commands/build.ts";
export { spaceHost } from "./commands/push.ts";
export { main, VERSION } from "./main.ts";
