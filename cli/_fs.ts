/**
 * File-system helpers shared by the commands.
 *
 * @module
 */
import { CliError } from "./errors.ts";

/** Resolves `path` against `base` (the current directory by default), without `..` or trailing `/`. */
export function resolvePath(path: string, base: string = Deno.cwd()): string {
  const joined = path.startsWith("/") ? path : `${base}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** The last path segment. */
export function basename(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() ?? path;
}

/** The parent directory. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const at = trimmed.lastIndexOf("/");
  return at <= 0 ? "/" : trimmed.slice(0, at);
}

/** Stat that answers null for a missing path. */
export async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Checks that `dir` is an existing directory. */
export async function requireDir(dir: string): Promise<void> {
  const info = await statOrNull(dir);
  if (!info) throw new CliError(`Directory "${dir}" does not exist`);
  if (!info.isDirectory) throw new CliError(`"${dir}" is not a directory`);
}

/** Every file under `dir` (relative POSIX paths, sorted), skipping directories for which `skip` is true. */
export async function listFiles(
  dir: string,
  skip: (relative: string, isDirectory: boolean) => boolean = () => false,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(path, entry.isDirectory)) continue;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) out.push(path);
    }
  };
  await walk("");
  return out.sort();
}
