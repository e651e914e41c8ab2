/**
 * Removing what providers left behind: containers (and Swarm services)
 * labelled `openenv.managed=true`.
 *
 * @module
 */
import {
  connectDocker,
  type DockerConnectionOptions,
  MANAGED_LABEL,
  SESSION_LABEL,
} from "./_engine.ts";

/** Options for {@linkcode removeManagedContainers}. */
export interface RemoveManagedOptions extends DockerConnectionOptions {
  /** Only what carries this `openenv.session` label. @default {every managed one} */
  sessionId?: string;
}

/**
 * Force-removes every container labelled `openenv.managed=true` (running or
 * not), optionally only those of one provider session. Swarm tasks are left
 * to their service: remove services with `removeManagedServices` from
 * `@openenv/core/providers/swarm`.
 *
 * @returns How many containers were removed.
 *
 * @example Clean up after a crashed run
 * ```ts ignore
 * import { removeManagedContainers } from "@openenv/core/providers/docker";
 *
 * console.log(await removeManagedContainers(), "containers removed");
 * ```
 */
export async function removeManagedContainers(options: RemoveManagedOptions = {}): Promise<number> {
  const docker = await connectDocker(options);
  const label = [`${MANAGED_LABEL}=true`];
  if (options.sessionId) label.push(`${SESSION_LABEL}=${options.sessionId}`);
  const containers = await docker.listContainers({ all: true, filters: { label } });
  let removed = 0;
  for (const info of containers) {
    if (info.Labels?.["com.docker.swarm.service.id"]) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed++;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }
  return removed;
}
