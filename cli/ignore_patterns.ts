/**
 * Ignore patterns for `push`: gitignore-style globs (`*`, `?`, `**`, a
 * trailing `/` for directories, a leading `/` to anchor).
 *
 * @module
 */

/** Patterns never uploaded to a Space. */
export const DEFAULT_IGNORES: readonly string[] = [
  ".git/",
  ".env",
  ".env.*",
  "node_modules/",
  ".venv/",
  "__pycache__/",
  "*.pyc",
  ".DS_Store",
  ".cache/",
  "*.log",
  ".openenv-extra-ca.pem",
];

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
        if (glob[i + 1] === "/") i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** A compiled ignore list. */
export interface IgnoreMatcher {
  /** Whether a relative path (a directory when `isDirectory`) is ignored. */
  ignores(path: string, isDirectory: boolean): boolean;
}

/**
 * Compiles patterns: a pattern with no `/` (other than a trailing one)
 * matches a name at any depth; one with a `/` matches from the root.
 *
 * @example
 * ```ts
 * import { compileIgnores } from "@openenv/cli/lib";
 *
 * const m = compileIgnores(["node_modules/", "*.log", "/secret.txt"]);
 * m.ignores("a/node_modules", true); // true
 * m.ignores("debug.log", false); // true
 * m.ignores("sub/secret.txt", false); // false
 * ```
 */
export function compileIgnores(patterns: readonly string[]): IgnoreMatcher {
  const rules = patterns.map((raw) => raw.trim()).filter((p) => p && !p.startsWith("#")).map(
    (p) => {
      const dirOnly = p.endsWith("/");
      let body = dirOnly ? p.slice(0, -1) : p;
      body = body.replace(/^\.\//, "");
      const anchored = body.startsWith("/") || body.includes("/");
      body = body.replace(/^\//, "");
      return { dirOnly, anchored, re: globToRegExp(body) };
    },
  );
  return {
    ignores(path: string, isDirectory: boolean): boolean {
      const name = path.split("/").pop()!;
      return rules.some((r) =>
        (!r.dirOnly || isDirectory) && (r.anchored ? r.re.test(path) : r.re.test(name))
      );
    },
  };
}
