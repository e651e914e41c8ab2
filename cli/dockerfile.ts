/**
 * Dockerfile edits shared by `build` and `push`.
 *
 * @module
 */

/**
 * Replaces the image of the first `FROM`, keeping its flags (`--platform`)
 * and stage name (`AS builder`); prepends a `FROM` when there is none.
 *
 * @example
 * ```ts
 * import { rewriteBaseImage } from "@openenv/cli/lib";
 *
 * rewriteBaseImage("FROM python:3.11 AS builder\nRUN true\n", "my/base:1");
 * // "FROM my/base:1 AS builder\nRUN true\n"
 * ```
 */
export function rewriteBaseImage(dockerfile: string, image: string): string {
  const lines = dockerfile.split("\n");
  const at = lines.findIndex((l) => /^\s*FROM\s/i.test(l));
  if (at < 0) return `FROM ${image}\n${dockerfile}`;
  const match = lines[at].match(/^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(.*)$/i)!;
  lines[at] = `${match[1]}${match[2]}${image}${match[4]}`;
  return lines.join("\n");
}

/**
 * Makes sure the image serves the web interface: adds
 * `ENV ENABLE_WEB_INTERFACE=true` before the last stage's first `CMD` (or at
 * the end), unless the Dockerfile already sets it. With `enabled: false` an
 * existing `ENABLE_WEB_INTERFACE=true` is turned off.
 *
 * @example
 * ```ts
 * import { setWebInterface } from "@openenv/cli/lib";
 *
 * setWebInterface('FROM x\nCMD ["run"]\n', true);
 * // 'FROM x\nENV ENABLE_WEB_INTERFACE=true\nCMD ["run"]\n'
 * ```
 */
export function setWebInterface(dockerfile: string, enabled: boolean): string {
  const lines = dockerfile.split("\n");
  const envLine = /^(\s*ENV\s+.*\bENABLE_WEB_INTERFACE\s*=\s*)("?)(\w+)("?)(.*)$/i;
  const existing = lines.findIndex((l) => envLine.test(l));
  if (existing >= 0) {
    lines[existing] = lines[existing].replace(envLine, `$1$2${enabled ? "true" : "false"}$4$5`);
    return lines.join("\n");
  }
  if (!enabled) return dockerfile;
  const lastFrom = lines.findLastIndex((l) => /^\s*FROM\s/i.test(l));
  let cmd = -1;
  for (let i = Math.max(lastFrom, 0); i < lines.length; i++) {
    // A HEALTHCHECK's own CMD (possibly on a continuation line) is not the image's CMD.
    const previous = i > 0 ? lines[i - 1] : "";
    if (/^\s*HEALTHCHECK\b/i.test(lines[i]) || /\\\s*$/.test(previous)) continue;
    if (/^\s*(CMD|ENTRYPOINT)\b/i.test(lines[i])) {
      cmd = i;
      break;
    }
  }
  const line = "ENV ENABLE_WEB_INTERFACE=true";
  if (cmd < 0) {
    const trailing = lines.length > 0 && lines[lines.length - 1] === "";
    if (trailing) lines.splice(lines.length - 1, 0, line);
    else lines.push(line);
  } else lines.splice(cmd, 0, line);
  return lines.join("\n");
}
