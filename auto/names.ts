/**
 * Environment names and Hugging Face Space addresses: normalisation like the
 * reference's `AutoEnv`, and Space host names the way Hugging Face builds them.
 *
 * @module
 */

/**
 * The lookup key of an environment name: a trailing `-env`/`_env` removed,
 * lower-cased, `-` turned into `_` (so `echo`, `echo-env`, `echo_env` and
 * `Echo_Env` are all `echo`, and `browser-gym` is `browser_gym`).
 *
 * @example
 * ```ts
 * import { envKey } from "@openenv/core/auto";
 *
 * envKey("echo-env"); // "echo"
 * envKey("browser-gym"); // "browser_gym"
 * ```
 */
export function envKey(name: string): string {
  return name.trim().toLowerCase().replace(/[-_]env$/, "").replaceAll("-", "_");
}

/**
 * The canonical environment name: the key with `_env` appended (`echo` →
 * `echo_env`), as the reference names environments.
 *
 * @example
 * ```ts
 * import { envName } from "@openenv/core/auto";
 *
 * envName("echo"); // "echo_env"
 * ```
 */
export function envName(name: string): string {
  return `${envKey(name)}_env`;
}

/**
 * `PascalCase` of an environment key, the prefix of its exported names
 * (`browser_gym` → `BrowserGym`, so `BrowserGymAction`).
 *
 * @example
 * ```ts
 * import { pascalName } from "@openenv/core/auto";
 *
 * pascalName("browser_gym_env"); // "BrowserGym"
 * ```
 */
export function pascalName(name: string): string {
  return envKey(name).split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

/**
 * Whether a name refers to a Hugging Face Space (it has a `/` or is a
 * `huggingface.co` URL) rather than a local environment.
 *
 * @example
 * ```ts
 * import { isHubName } from "@openenv/core/auto";
 *
 * isHubName("openenv/echo_env"); // true
 * isHubName("echo"); // false
 * ```
 */
export function isHubName(name: string): boolean {
  return name.includes("/") || name.includes("huggingface.co");
}

/**
 * The `owner/space` id of a Space given as an id or a URL
 * (`https://huggingface.co/spaces/owner/space` → `owner/space`).
 *
 * @throws {TypeError} When no `owner/space` can be found.
 *
 * @example
 * ```ts
 * import { spaceRepoId } from "@openenv/core/auto";
 *
 * spaceRepoId("https://huggingface.co/spaces/openenv/echo_env"); // "openenv/echo_env"
 * ```
 */
export function spaceRepoId(nameOrUrl: string): string {
  const text = nameOrUrl.trim();
  const path = /^https?:\/\//i.test(text) ? new URL(text).pathname : text;
  const parts = path.split("/").filter(Boolean);
  if (parts.length < 2) {
    throw new TypeError(
      `'${nameOrUrl}' is not a Space: use 'owner/space' or 'https://huggingface.co/spaces/owner/space'`,
    );
  }
  return parts.slice(-2).join("/");
}

function hostLabel(repoId: string): string {
  return spaceRepoId(repoId).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * The URL a Space is served at. Hugging Face lower-cases the id and turns
 * `/`, `_` and `.` into `-` (`openenv/echo_env` →
 * `https://openenv-echo-env.hf.space`); the reference maps only `/` and so
 * probes a wrong host for names with `_`.
 *
 * @example
 * ```ts
 * import { spaceUrl } from "@openenv/core/auto";
 *
 * spaceUrl("openenv/echo_env"); // "https://openenv-echo-env.hf.space"
 * spaceUrl("wukaixingxp/coding-env-test"); // "https://wukaixingxp-coding-env-test.hf.space"
 * ```
 */
export function spaceUrl(repoId: string): string {
  return `https://${hostLabel(repoId)}.hf.space`;
}

/**
 * The Docker image Hugging Face builds for a Space
 * (`registry.hf.space/<owner>-<space>:latest`).
 *
 * @example
 * ```ts
 * import { spaceImage } from "@openenv/core/auto";
 *
 * spaceImage("openenv/echo_env"); // "registry.hf.space/openenv-echo-env:latest"
 * ```
 */
export function spaceImage(repoId: string, tag = "latest"): string {
  return `registry.hf.space/${hostLabel(repoId)}:${tag}`;
}
