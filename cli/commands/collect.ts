/**
 * `openenv collect` and `openenv evaluate`: roll out an OpenAI-compatible
 * model (vLLM, SGLang, ...) against running environment servers, with the
 * harness of `@openenv/core/harness`.
 *
 * @module
 */
import $ from "dax";
import { collect, evaluate, openAIChatPolicy } from "@openenv/core/harness";
import { type CommandSpec, listFlag, type ParsedCommand, stringFlag } from "../_args.ts";
import { err, out, style, success, warn } from "../_ui.ts";
import { CliError, UsageError } from "../errors.ts";

const shared: CommandSpec["options"] = {
  url: {
    type: "string",
    short: "u",
    multiple: true,
    valueName: "URL",
    description: "Environment server (repeat to spread episodes over several)",
  },
  "llm-url": {
    type: "string",
    valueName: "URL",
    description: "OpenAI-compatible API base, e.g. http://127.0.0.1:8001/v1",
  },
  model: { type: "string", short: "m", valueName: "name", description: "Model name" },
  "api-key": {
    type: "string",
    valueName: "key",
    description: "API key for the model endpoint",
    defaultText: "$OPENAI_API_KEY",
  },
  system: { type: "string", valueName: "text", description: "System prompt" },
  temperature: {
    type: "string",
    valueName: "t",
    description: "Sampling temperature",
    defaultText: "0",
  },
  concurrency: {
    type: "string",
    short: "c",
    valueName: "n",
    description: "Episodes at once",
    defaultText: "8",
  },
  "max-steps": {
    type: "string",
    valueName: "n",
    description: "Cut episodes after n steps",
    defaultText: "100",
  },
  "success-threshold": {
    type: "string",
    valueName: "r",
    description: "An episode succeeds when its reward reaches r",
    defaultText: "1",
  },
};

/** The `collect` command. */
export const collectSpec: CommandSpec = {
  name: "collect",
  summary: "Collect episodes from a model into JSONL (resumable)",
  description: `
Runs --episodes episodes against the environment server(s) with a model behind
an OpenAI-compatible chat endpoint, using tool calling (an MCP environment's
own tools, otherwise one "act" tool taking the action). Writes
trajectories.jsonl (every step), results.jsonl (the reference's layout, TRL
SFT-ready messages) and metadata.json into --out. Running again resumes:
episodes already in results.jsonl are skipped, failed ones are retried.`,
  positionals: [],
  options: {
    ...shared,
    episodes: { type: "string", short: "n", valueName: "n", description: "Number of episodes" },
    out: { type: "string", short: "o", valueName: "dir", description: "Output folder" },
    seed: { type: "string", valueName: "s", description: "Reset episode i with seed s+i" },
    "no-resume": { type: "boolean", description: "Do not skip episodes already written" },
  },
  examples: [
    "openenv collect -u http://127.0.0.1:8000 --llm-url http://127.0.0.1:8001/v1 -m qwen -n 64 -o runs/echo",
  ],
};

/** The `evaluate` command. */
export const evaluateSpec: CommandSpec = {
  name: "evaluate",
  summary: "Evaluate a model over fixed seeds (mean reward, success rate, 95% intervals)",
  description: `
Runs one episode per seed (--seeds 1-50 or 1,2,3) and reports the mean reward
with a 95% t-interval and the success rate with a 95% Wilson interval.`,
  positionals: [],
  options: {
    ...shared,
    seeds: {
      type: "string",
      valueName: "list",
      description: "Seeds: 1-50 or 1,2,3",
      defaultText: "0-19",
    },
    json: { type: "boolean", description: "Print the report as JSON" },
  },
  examples: [
    "openenv evaluate -u http://127.0.0.1:8000 --llm-url http://127.0.0.1:8001/v1 -m qwen --seeds 1-100",
  ],
};

function intFlag(
  parsed: ParsedCommand,
  name: string,
  command: string,
  fallback?: number,
): number | undefined {
  const raw = stringFlag(parsed.values, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new UsageError(`Flag "--${name}" must be a non-negative integer, got "${raw}"`, {
      command,
    });
  }
  return Number(raw);
}

function numberFlag(
  parsed: ParsedCommand,
  name: string,
  command: string,
  fallback: number,
): number {
  const raw = stringFlag(parsed.values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`Flag "--${name}" must be a number, got "${raw}"`, { command });
  }
  return n;
}

/** Parses `1-5,8,10-12` into a list of seeds. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = part.match(/^(\d+)(?:-(\d+))?$/);
    if (!m) {
      throw new UsageError(`Seeds must look like 1-50 or 1,2,3, got "${part}"`, {
        command: "evaluate",
      });
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) {
      throw new UsageError(`Seed range "${part}" runs backwards`, { command: "evaluate" });
    }
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  if (seeds.length === 0) throw new UsageError("No seeds given", { command: "evaluate" });
  return seeds;
}

function common(parsed: ParsedCommand, command: string) {
  const urls = listFlag(parsed.values, "url");
  if (urls.length === 0) throw new UsageError(`Give at least one --url`, { command });
  const llmUrl = stringFlag(parsed.values, "llm-url");
  const model = stringFlag(parsed.values, "model");
  if (!llmUrl || !model) {
    throw new UsageError(`Give the model endpoint with --llm-url and --model`, {
      command,
      hint:
        "For example --llm-url http://127.0.0.1:8001/v1 --model Qwen/Qwen3-0.6B (vLLM's OpenAI-compatible server)",
    });
  }
  let apiKey = stringFlag(parsed.values, "api-key");
  if (apiKey === undefined) {
    try {
      apiKey = Deno.env.get("OPENAI_API_KEY");
    } catch { /* no env permission */ }
  }
  const policy = openAIChatPolicy({
    baseUrl: llmUrl,
    model,
    apiKey,
    system: stringFlag(parsed.values, "system"),
    temperature: numberFlag(parsed, "temperature", command, 0),
  });
  return {
    urls,
    policy,
    llmUrl,
    model,
    concurrency: intFlag(parsed, "concurrency", command, 8)!,
    maxSteps: intFlag(parsed, "max-steps", command, 100)!,
    successThreshold: numberFlag(parsed, "success-threshold", command, 1),
  };
}

/** A progress bar on a terminal; plain lines otherwise. */
function progressBar(message: string, total: number) {
  if (!Deno.stderr.isTerminal()) {
    let last = 0;
    return {
      update: (done: number, failed: number) => {
        const pct = Math.floor(((done + failed) / Math.max(total, 1)) * 10);
        if (pct > last || done + failed === total) {
          last = pct;
          err(`${message}: ${done + failed}/${total} (${failed} failed)`);
        }
      },
      finish: () => {},
    };
  }
  const bar = $.progress(message, { length: total });
  return {
    update: (done: number, failed: number) => {
      bar.position(done + failed);
      if (failed) bar.message(`${failed} failed`);
    },
    finish: () => bar.finish(),
  };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "n/a");

/** Runs `openenv collect`. */
export async function runCollect(parsed: ParsedCommand): Promise<number> {
  const c = common(parsed, "collect");
  const episodes = intFlag(parsed, "episodes", "collect");
  const outDir = stringFlag(parsed.values, "out");
  if (!episodes || !outDir) {
    throw new UsageError("Give the number of episodes (--episodes) and the output folder (--out)", {
      command: "collect",
    });
  }
  const bar = progressBar("Collecting episodes", episodes);
  let result;
  try {
    result = await collect({
      baseUrls: c.urls,
      episodes,
      policy: c.policy,
      outDir,
      concurrency: c.concurrency,
      maxSteps: c.maxSteps,
      seed: intFlag(parsed, "seed", "collect"),
      resume: parsed.values["no-resume"] !== true,
      successThreshold: c.successThreshold,
      metadata: { provider: "openai-compatible", model: c.model, llm_endpoint: c.llmUrl },
      onProgress: (p) => bar.update(p.completed, p.failed),
    });
  } catch (error) {
    bar.finish();
    throw new CliError(`Collection failed: ${(error as Error).message}`, { cause: error });
  }
  bar.finish();
  if (result.skipped) err(style.dim(`${result.skipped} episode(s) already in ${outDir}, skipped`));
  for (const f of result.failures.slice(0, 5)) warn(`${f.episodeId}: ${f.error}`);
  success(`Collected ${result.collected} episode(s) into ${outDir}`);
  out(
    `episodes ${result.collected}  failed ${result.failed}  mean reward ${
      fmt(result.meanReward)
    }  success rate ${fmt(result.successRate)}`,
  );
  return result.failed ? 1 : 0;
}

/** Runs `openenv evaluate`. */
export async function runEvaluate(parsed: ParsedCommand): Promise<number> {
  const c = common(parsed, "evaluate");
  const seeds = parseSeeds(stringFlag(parsed.values, "seeds") ?? "0-19");
  const bar = progressBar("Evaluating", seeds.length);
  let report;
  try {
    report = await evaluate({
      baseUrls: c.urls,
      seeds,
      policy: c.policy,
      concurrency: c.concurrency,
      maxSteps: c.maxSteps,
      successThreshold: c.successThreshold,
      onProgress: (p) => bar.update(p.completed, p.failed),
    });
  } finally {
    bar.finish();
  }
  if (parsed.values.json === true) {
    out(JSON.stringify(report, null, 2));
  } else {
    const m = report.meanReward;
    const s = report.successRate;
    out(`episodes      ${report.episodes} (${report.failed} failed)`);
    out(`mean reward   ${fmt(m.mean)}  95% CI [${fmt(m.low)}, ${fmt(m.high)}]`);
    out(`success rate  ${fmt(s.rate)}  95% CI [${fmt(s.low)}, ${fmt(s.high)}]`);
  }
  return report.failed ? 1 : 0;
}
