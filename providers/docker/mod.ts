/**
 * The local Docker provider: environments as containers, started through
 * the Docker Engine API with dockerode (this entry is the only one, with
 * `/providers/swarm`, that loads it).
 *
 * - {@linkcode DockerProvider}: run an image with `--init`, labels,
 *   environment variables, host networking (or a published port on a
 *   user-defined network), a health wait with a timeout, and removal on stop.
 * - {@linkcode fromDockerImage}: the same, returning a connected client that
 *   removes the container when disposed.
 * - {@linkcode removeManagedContainers}: remove labelled leftovers.
 *
 * @example
 * ```ts ignore
 * import { fromDockerImage } from "@openenv/core/providers/docker";
 *
 * await using env = await fromDockerImage("openenv/echo-env:latest");
 * await env.reset();
 * console.log((await env.step({ message: "hi" })).reward); // 0.2
 * ```
 *
 * @module
 */
export * from "./docker_provider.ts";
export * from "./cleanup.ts";
export * from "./from_docker_image.ts";
export type { DockerConnectionOptions } from "./_engine.ts";
