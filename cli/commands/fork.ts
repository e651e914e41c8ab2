/**
 * `openenv fork <space>`: duplicate a Hugging Face Space.
 *
 * @module
 */
import {
  type CommandSpec,
  keyValueFlag,
  listFlag,
  type ParsedCommand,
  stringFlag,
} from "../_args.ts";
import { out, style, success, withProgress } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";
import { HubClient } from "../hub/hub_client.ts";
import { spaceHost } from "./push.ts";

/** The `fork` command. */
export const forkSpec: CommandSpec = {
  name: "fork",
  summary: "Duplicate a Hugging Face Space",
  description: `
Duplicates OWNER/NAME (files, and settings the Hub copies) to your account or
--repo-id, with its own hardware, variables and secrets. The token comes from
--token, HF_TOKEN or ~/.cache/huggingface/token; HF_ENDPOINT overrides the Hub.`,
  positionals: [{ name: "space", description: "Space to duplicate, OWNER/NAME" }],
  options: {
    "repo-id": {
      type: "string",
      short: "r",
      valueName: "owner/name",
      description: "New Space id",
      defaultText: "<your account>/<same name>",
    },
    token: {
      type: "string",
      valueName: "token",
      description: "Hugging Face token",
      defaultText: "$HF_TOKEN",
    },
    private: { type: "boolean", description: "Make the copy private" },
    hardware: {
      type: "string",
      short: "H",
      valueName: "flavor",
      description: "Hardware of the copy",
      defaultText: "cpu-basic",
    },
    "env-var": {
      type: "string",
      short: "e",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Variable of the copy",
    },
    secret: {
      type: "string",
      short: "s",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Secret of the copy (never printed)",
    },
  },
  examples: [
    "openenv fork openenv/echo_env",
    "openenv fork openenv/echo_env --repo-id me/my-echo --private -e MODE=fast",
  ],
};

const SPACE_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** Runs `openenv fork`. */
export async function runFork(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const source = parsed.positionals[0].replace(/^https?:\/\/huggingface\.co\/spaces\//, "").replace(
    /\/+$/,
    "",
  );
  if (!SPACE_ID.test(source)) {
    throw new UsageError(`The Space must be OWNER/NAME, got "${parsed.positionals[0]}"`, {
      command: "fork",
    });
  }
  const target = stringFlag(values, "repo-id");
  if (target !== undefined && !SPACE_ID.test(target)) {
    throw new UsageError(`Flag "--repo-id" must be OWNER/NAME, got "${target}"`, {
      command: "fork",
    });
  }
  const variables = keyValueFlag(listFlag(values, "env-var"), "env-var", "fork");
  const secrets = keyValueFlag(listFlag(values, "secret"), "secret", "fork", true);
  let token = stringFlag(values, "token") ?? Deno.env.get("HF_TOKEN") ??
    Deno.env.get("HUGGING_FACE_HUB_TOKEN");
  if (!token) {
    const home = Deno.env.get("HF_HOME") ?? `${Deno.env.get("HOME") ?? ""}/.cache/huggingface`;
    token = await Deno.readTextFile(`${home}/token`).then((t) => t.trim(), () => undefined);
  }
  if (!token) {
    throw new CliError("No Hugging Face token", {
      hint:
        "Create a write token at https://huggingface.co/settings/tokens, then set HF_TOKEN or pass --token.",
    });
  }
  const hub = new HubClient({ token });
  const result = await withProgress(`Duplicating ${source}`, () =>
    hub.duplicateSpace(source, {
      toId: target,
      private: values.private === true,
      hardware: stringFlag(values, "hardware") ?? "cpu-basic",
      variables,
      secrets,
    }));
  success(`Forked ${source} to ${style.bold(result.repoId)}: ${result.url}`);
  out(`https://${spaceHost(result.repoId)}`);
  return 0;
}
