/**
 * `openenv validate [dir | --url URL]`: check an environment folder or a
 * running server.
 *
 * @module
 */
import { type CommandSpec, type ParsedCommand, stringFlag } from "../_args.ts";
import { requireDir, resolvePath } from "../_fs.ts";
import { out, style, withProgress } from "../_ui.ts";
import { UsageError } from "../errors.ts";
import { formatReport, type ValidationReport } from "../validate/report.ts";
import { validateFolder } from "../validate/local.ts";
import { validateRunningServer } from "../validate/runtime.ts";

/** The `validate` command. */
export const validateSpec: CommandSpec = {
  name: "validate",
  summary: "Check an environment folder or a running server",
  description: `
Local mode (a folder, default the current one): openenv.yaml, the entry and app
modules, deno.json, \`deno check\`, tests, Dockerfile, Space front matter.

Runtime mode (--url, or a URL as the argument): the six criteria of the
official \`openenv validate --url\` (OpenAPI version, /health, /metadata,
/schema, POST /mcp, mode consistency) plus a /ws episode, MCP session
create/close, JSON-RPC error codes, 404/405 shapes, HTTP reset and 422s.

Exits 1 when a required check fails.`,
  positionals: [{
    name: "target",
    description: "Environment folder, or a server URL",
    optional: true,
  }],
  options: {
    url: { type: "string", valueName: "url", description: "Check the server running at this URL" },
    json: { type: "boolean", description: "Print the report as JSON" },
    timeout: {
      type: "string",
      valueName: "seconds",
      description: "Per-request timeout in runtime mode",
      defaultText: "5",
    },
    official: {
      type: "boolean",
      description: "Runtime mode: only the six criteria of the official validator",
    },
    "skip-check": { type: "boolean", description: "Local mode: skip `deno check`" },
  },
  examples: [
    "openenv validate",
    "openenv validate envs/echo --json",
    "openenv validate --url http://127.0.0.1:8000",
  ],
};

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Runs `openenv validate`. */
export async function runValidate(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const target = parsed.positionals[0];
  let url = stringFlag(values, "url");
  if (url !== undefined && target !== undefined) {
    if (!isUrl(target)) {
      throw new UsageError(
        `Give either a folder or --url, not both (got "${target}" and "${url}")`,
        {
          command: "validate",
        },
      );
    }
    if (target.replace(/\/+$/, "") !== url.replace(/\/+$/, "")) {
      throw new UsageError(`Conflicting runtime targets "${target}" and "${url}"`, {
        command: "validate",
      });
    }
  }
  if (url === undefined && target !== undefined && isUrl(target)) url = target;
  const timeoutRaw = stringFlag(values, "timeout") ?? "5";
  const timeoutS = Number(timeoutRaw);
  if (!Number.isFinite(timeoutS) || timeoutS < 0.1) {
    throw new UsageError(
      `Flag "--timeout" must be a number of seconds ≥ 0.1, got "${timeoutRaw}"`,
      {
        command: "validate",
      },
    );
  }
  if (values.official && url === undefined) {
    throw new UsageError('Flag "--official" applies to runtime mode only (--url)', {
      command: "validate",
    });
  }
  const json = values.json === true;

  let report: ValidationReport;
  if (url !== undefined) {
    report = await withProgress(
      `Checking ${url}`,
      () => validateRunningServer(url!, { timeoutS, officialOnly: values.official === true }),
    );
  } else {
    const dir = resolvePath(target ?? ".");
    await requireDir(dir);
    report = await withProgress(
      `Checking ${dir}`,
      (progress) =>
        validateFolder(dir, {
          skipTypeCheck: values["skip-check"] === true,
          onStep: (m) => progress.message(m),
        }),
    );
  }
  if (json) out(JSON.stringify(report, null, 2));
  else {
    out(
      formatReport(
        report,
        (s, ok) => ok === true ? style.green(s) : ok === false ? style.red(s) : style.yellow(s),
      ),
    );
  }
  return report.passed ? 0 : 1;
}
