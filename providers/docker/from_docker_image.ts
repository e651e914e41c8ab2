/**
 * `fromDockerImage`: a client whose environment runs in a container.
 *
 * @module
 */
import type { EnvClientOptions } from "../../client/env_client.ts";
import { fromProvider, type ManagedEnvClient } from "../managed_client.ts";
import { DockerProvider, type DockerStartOptions } from "./docker_provider.ts";

/** Options of {@linkcode fromDockerImage}. */
export interface FromDockerImageOptions<A, O, S> extends Omit<DockerStartOptions, "image"> {
  /** Client options (schemas, time limits, ...). */
  client?: EnvClientOptions<A, O, S>;
  /** A provider to reuse; by default a new one, disposed with the client. */
  provider?: DockerProvider;
}

/**
 * Runs an environment image in a local container and returns a connected
 * client; closing or disposing the client stops and removes the container.
 * The equivalent of the Python `EnvClient.from_docker_image`.
 *
 * @param image A local image, for example `openenv/echo-env:latest`.
 * @param options Start and client options.
 *
 * @example
 * ```ts ignore
 * import { fromDockerImage } from "@openenv/core/providers/docker";
 *
 * await using env = await fromDockerImage("openenv/echo-env:latest", {
 *   env: { MAX_CONCURRENT_ENVS: "4" },
 * });
 * await env.reset();
 * ```
 */
export function fromDockerImage<
  A = Record<string, unknown>,
  O = Record<string, unknown>,
  S = Record<string, unknown>,
>(
  image: string,
  options: FromDockerImageOptions<A, O, S> = {},
): Promise<ManagedEnvClient<A, O, S>> {
  const { client, provider, ...start } = options;
  const owned = provider ? undefined : new DockerProvider();
  return fromProvider<DockerStartOptions, A, O, S>(provider ?? owned!, { ...start, image }, {
    client,
    cleanup: owned ? [() => owned[Symbol.asyncDispose]()] : [],
  });
}
