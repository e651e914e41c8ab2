/**
 * The Docker Swarm provider: an environment image as a Swarm service with N
 * replicas (host networking, one port per replica slot), scaling up and
 * down, and clients that spread sessions over the replicas.
 *
 * @example Two replicas, sessions spread over them, then scale to three
 * ```ts ignore
 * import { SwarmProvider } from "@openenv/core/providers/swarm";
 *
 * await using swarm = new SwarmProvider();
 * await using service = await swarm.start({ image: "openenv/echo-env:latest", replicas: 2 });
 * await using a = await service.connect(); // replica 1
 * await using b = await service.connect(); // replica 2
 * await service.scale(3);
 * ```
 *
 * @module
 */
export * from "./swarm_provider.ts";
export * from "./cleanup.ts";
