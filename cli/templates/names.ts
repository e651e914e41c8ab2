/**
 * Names derived from an environment name, the way the reference derives
 * them: `my_game_env` gives the class prefix `MyGame` and the title
 * `My Game Env`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/** Every spelling of an environment name the templates use. */
export interface EnvNames {
  /** As typed, snake_case: `my_game_env`. */
  name: string;
  /** Class prefix: trailing `_env` removed, PascalCase: `MyGame`. */
  className: string;
  /** Title Case: `My Game Env`. */
  title: string;
  /** kebab-case, for image tags and package names: `my-game-env`. */
  kebab: string;
  /** Name without a trailing `_env`, for the image tag `openenv-<short>`: `my_game`. */
  short: string;
}

/** Checks an environment name (a lowercase identifier) and derives its spellings. */
export function envNames(name: string): EnvNames {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "");
    throw new UsageError(
      `Environment name "${name}" must start with a lowercase letter and use only lowercase letters, digits and "_"`,
      { command: "init", hint: suggestion ? `Try "${suggestion}".` : undefined },
    );
  }
  const short = name.endsWith("_env") && name.length > 4 ? name.slice(0, -4) : name;
  const pascal = (s: string) =>
    s.split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  return {
    name,
    className: pascal(short),
    title: name.split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(" "),
    kebab: name.replaceAll("_", "-"),
    short,
  };
}

/** Colours a Space card accepts. */
const COLORS = ["red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"];
const EMOJIS = ["🦕", "🎲", "🧩", "🕹️", "🎯", "🧪", "🚀", "🤖", "🌱", "🔭", "🧭", "⚙️"];

/** A stable emoji and colour pair for a name (same name, same card). */
export function spaceCard(name: string): { emoji: string; colorFrom: string; colorTo: string } {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  const from = hash % COLORS.length;
  const to = (from + 1 + ((hash >>> 8) % (COLORS.length - 1))) % COLORS.length;
  return {
    emoji: EMOJIS[(hash >>> 4) % EMOJIS.length],
    colorFrom: COLORS[from],
    colorTo: COLORS[to],
  };
}
