/**
 * The Docker Engine connection shared by the Docker and Swarm providers
 * (dockerode over the daemon's unix socket).
 *
 * @module
 */
// @ts-types="@types/dockerode"
import Docker from "dockerode";
import { ProviderError } from "../errors.ts";

export type { Docker };

/** How to reach the Docker daemon. */
export interface DockerConnectionOptions {
  /**
   * Path of the daemon's unix socket.
   * @default {the path in `DOCKER_HOST` when it is `unix://…`, else `/var/run/docker.sock`}
   */
  socketPath?: string;
}

/** The label every container and service we start carries. */
export const MANAGED_LABEL = "openenv.managed";
/** The label holding the id of the provider instance that started it. */
export const SESSION_LABEL = "openenv.session";

export function socketPath(options: DockerConnectionOptions): string {
  if (options.socketPath) return options.socketPath;
  try {
    const host = Deno.env.get("DOCKER_HOST");
    if (host?.startsWith("unix://")) return host.slice("unix://".length);
  } catch { /* no env permission */ }
  return "/var/run/docker.sock";
}

/** Opens a dockerode client and checks the daemon answers. */
export async function connectDocker(options: DockerConnectionOptions): Promise<Docker> {
  const path = socketPath(options);
  const docker = new Docker({ socketPath: path, timeout: 60_000 });
  try {
    await withTimeout(docker.ping(), 5_000, "ping");
  } catch (e) {
    throw new ProviderError(
      "PROVIDER_UNAVAILABLE",
      `The Docker daemon at "unix://${path}" is unreachable (${
        (e as Error).message
      }). Start it (for example with tests/docker/start_dockerd.sh) or set DOCKER_HOST.`,
      { cause: e, details: { socketPath: path } },
    );
  }
  return docker;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Docker ${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP status of a dockerode error, if any. */
export function statusOf(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** Turns Docker's multiplexed log stream (8-byte frame headers) into text. */
export function demuxLogs(data: Uint8Array | string): string {
  if (typeof data === "string") return data;
  const bytes = new Uint8Array(data);
  const decoder = new TextDecoder();
  const looksMultiplexed = bytes.length >= 8 && bytes[0] <= 2 && bytes[1] === 0 && bytes[2] === 0 &&
    bytes[3] === 0;
  if (!looksMultiplexed) return decoder.decode(bytes);
  let out = "";
  let i = 0;
  while (i + 8 <= bytes.length) {
    const size = new DataView(bytes.buffer, bytes.byteOffset + i + 4, 4).getUint32(0);
    out += decoder.decode(bytes.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return out;
}
