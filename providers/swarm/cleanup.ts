/**
 * Removing Swarm services that providers left behind.
 *
 * @module
 */
import {
  connectDocker,
  type DockerConnectionOptions,
  MANAGED_LABEL,
  SESSION_LABEL,
} from "../docker/_engine.ts";

/** Options for {@linkcode removeManagedServices}. */
export interface RemoveManagedServicesOptions extends DockerConnectionOptions {
  /** Only services with this `openenv.session` label. @default {every managed one} */
  sessionId?: string;
}

/**
 * Removes every Swarm service labelled `openenv.managed=true`, optionally only
 * those of one provider session. Does nothing when the node is not in a swarm.
 *
 * @returns How many services were removed.
 *
 * @example
 * ```ts ignore
 * import { removeManagedServices } from "@openenv/core/providers/swarm";
 *
 * console.log(await removeManagedServices(), "services removed");
 * ```
 */
export async function removeManagedServices(
  options: RemoveManagedServicesOptions = {},
): Promise<number> {
  const docker = await connectDocker(options);
  const info = await docker.info();
  if (info?.Swarm?.LocalNodeState !== "active") return 0;
  const label = [`${MANAGED_LABEL}=true`];
  if (options.sessionId) label.push(`${SESSION_LABEL}=${options.sessionId}`);
  const services = await docker.listServices({ filters: { label } });
  let removed = 0;
  for (const service of services) {
    try {
      await docker.getService(service.ID).remove();
      removed++;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }
  return removed;
}
