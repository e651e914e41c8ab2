/**
 * `collect`: run many episodes in parallel against one or more environment
 * servers with a policy, and write them to disk (resumable).
 *
 * Files in `outDir`:
 * - `trajectories.jsonl`: one {@linkcode TrajectoryRecord} per episode
 *   (every step with action, observation, reward, done and timing);
 * - `results.jsonl`: one {@linkcode EpisodeRecord} per episode, the layout of
 *   the reference's `openenv collect` (TRL SFT-ready `messages`);
 * - `metadata.json`: what the run was.
 *
 * @module
 */
import { EnvPool, type EnvSession, type TrajectoryRecorder } from "../client/mod.ts";
import type { ToolInfo } from "../core/tools.ts";
import type {
  ChatMessage,
  EpisodePolicy,
  EpisodeRecord,
  Policy,
  StepRecord,
  TrajectoryRecord,
} from "./types.ts";

/** Options for {@linkcode collect}. */
export interface CollectOptions {
  /** Servers to spread episodes over (round robin). */
  baseUrls: string[];
  /** Number of episodes in the run (including ones already on disk when resuming). */
  episodes: number;
  /** Chooses actions. */
  policy: Policy;
  /** Where to write; without it nothing is written. */
  outDir?: string;
  /** Episodes run at once. @default {8} */
  concurrency?: number;
  /** Steps after which an episode is cut. @default {100} */
  maxSteps?: number;
  /** Seed of episode `i`; a number means `seed + i`. @default {no seed} */
  seed?: number | ((index: number) => number | undefined);
  /** Prefix of episode ids. @default {"ep"} */
  idPrefix?: string;
  /** Skip episodes already in `results.jsonl`. @default {true} */
  resume?: boolean;
  /** An episode succeeds when its total reward reaches this. @default {1} */
  successThreshold?: number;
  /** Extra fields for `metadata.json` (model, endpoint, ...). */
  metadata?: Record<string, unknown>;
  /** Progress after each finished (or failed) episode. */
  onProgress?: (progress: CollectProgress) => void;
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Also records every session's steps in the client's trajectory format (`TrajectoryRecorder`). */
  recorder?: TrajectoryRecorder;
}

/** Progress of a run. */
export interface CollectProgress {
  /** Episodes finished in this run. */
  completed: number;
  /** Episodes that failed in this run. */
  failed: number;
  /** Episodes to run in this run. */
  total: number;
  /** The episode that just ended. */
  episodeId: string;
  /** Its reward, or null when it failed. */
  reward: number | null;
}

/** What a run did. */
export interface CollectResult {
  /** Episodes written in this run. */
  collected: number;
  /** Episodes skipped because they were already on disk. */
  skipped: number;
  /** Episodes that failed (not written). */
  failed: number;
  /** Why each failed episode failed. */
  failures: { episodeId: string; error: string }[];
  /** The episodes of this run, in index order. */
  trajectories: TrajectoryRecord[];
  /** Mean reward of this run's episodes. */
  meanReward: number;
  /** Share of this run's episodes that succeeded. */
  successRate: number;
}

function episodeId(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(6, "0")}`;
}

async function readDoneIds(path: string): Promise<Set<string>> {
  const done = new Set<string>();
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return done;
    throw e;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const id = JSON.parse(line).episode_id;
      if (typeof id === "string") done.add(id);
    } catch { /* a torn last line from an interrupted run: ignore it */ }
  }
  return done;
}

async function discover(
  baseUrl: string,
  signal: AbortSignal,
): Promise<{ tools: ToolInfo[]; actionSchema: Record<string, unknown> }> {
  const schemaRes = await fetch(`${baseUrl.replace(/\/+$/, "")}/schema`, { signal });
  if (!schemaRes.ok) throw new Error(`GET ${baseUrl}/schema answered ${schemaRes.status}`);
  const actionSchema = (await schemaRes.json()).action ?? {};
  const rpc = await fetch(`${baseUrl.replace(/\/+$/, "")}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    signal,
  });
  const reply = rpc.ok ? await rpc.json() : {};
  return { tools: reply?.result?.tools ?? [], actionSchema };
}

const numeric = (r: unknown): number => (typeof r === "number" ? r : r === true ? 1 : 0);

/**
 * Runs the episodes through an `EnvPool` (one slot per concurrent episode,
 * spread over the servers) and writes them. Episodes that throw (a lost
 * session, a policy error) are counted as failed and not written, so a
 * resumed run retries them; their slot gets a fresh session.
 *
 * @example Collect 16 episodes of echo with a scripted policy
 * ```ts ignore
 * import { collect } from "@openenv/core/harness";
 *
 * const result = await collect({
 *   baseUrls: ["http://127.0.0.1:8000"],
 *   episodes: 16,
 *   policy: ({ step }) => (step < 3 ? { message: "hello" } : null),
 *   outDir: "runs/echo",
 * });
 * console.log(result.meanReward);
 * ```
 */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  if (options.baseUrls.length === 0) throw new TypeError("collect() needs at least one base URL");
  const prefix = options.idPrefix ?? "ep";
  const maxSteps = options.maxSteps ?? 100;
  const threshold = options.successThreshold ?? 1;
  const signal = options.signal ?? new AbortController().signal;
  const seedOf = typeof options.seed === "function"
    ? options.seed
    : (i: number) => (options.seed === undefined ? undefined : (options.seed as number) + i);
  let done = new Set<string>();
  if (options.outDir) {
    await Deno.mkdir(options.outDir, { recursive: true });
    if (options.resume !== false) done = await readDoneIds(`${options.outDir}/results.jsonl`);
    await Deno.writeTextFile(
      `${options.outDir}/metadata.json`,
      JSON.stringify(
        {
          env_base_url: options.baseUrls[0],
          env_base_urls: options.baseUrls,
          num_episodes_requested: options.episodes,
          max_steps: maxSteps,
          id_prefix: prefix,
          created_at: new Date().toISOString(),
          ...options.metadata,
        },
        null,
        2,
      ) + "\n",
    );
  }
  const todo = Array.from({ length: options.episodes }, (_, i) => i).filter((i) =>
    !done.has(episodeId(prefix, i))
  );
  const info = new Map<
    string,
    Promise<{ tools: ToolInfo[]; actionSchema: Record<string, unknown> }>
  >();
  const discoverOnce = (url: string) => {
    if (!info.has(url)) info.set(url, discover(url, signal));
    return info.get(url)!;
  };
  const files = options.outDir
    ? {
      results: await Deno.open(`${options.outDir}/results.jsonl`, { append: true, create: true }),
      trajectories: await Deno.open(`${options.outDir}/trajectories.jsonl`, {
        append: true,
        create: true,
      }),
    }
    : undefined;
  const encoder = new TextEncoder();
  const out: TrajectoryRecord[] = [];
  const failures: CollectResult["failures"] = [];
  let next = 0;
  let completed = 0;

  const runEpisode = async (
    client: EnvSession<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>,
    url: string,
    index: number,
  ): Promise<void> => {
    const id = episodeId(prefix, index);
    const { tools, actionSchema } = await discoverOnce(url);
    const episodePolicy: EpisodePolicy = typeof options.policy === "function"
      ? {
        act: async (ctx) => ({
          action: await (options.policy as (c: typeof ctx) => unknown)(ctx) as
            | Record<string, unknown>
            | null,
        }),
      }
      : options.policy.startEpisode(index);
    const seed = seedOf(index);
    const started = performance.now();
    const first = await client.reset(seed === undefined ? {} : { seed }, { signal });
    const steps: StepRecord[] = [];
    const trace: EpisodeRecord["tool_trace"] = [];
    let observation = first.observation;
    let reward: number | boolean | null = first.reward;
    let isDone = first.done;
    let end: TrajectoryRecord["end"] = "done";
    const transcript: ChatMessage[] = [];
    while (!isDone) {
      if (steps.length >= maxSteps) {
        end = "max_steps";
        break;
      }
      const { action } = await episodePolicy.act({
        observation,
        reward,
        step: steps.length,
        episodeIndex: index,
        seed,
        tools,
        actionSchema,
        signal,
      });
      if (action === null) {
        end = "policy_stop";
        break;
      }
      const t = performance.now();
      const result = await client.step(action, { signal });
      steps.push({
        step: steps.length,
        action,
        observation: result.observation,
        reward: result.reward,
        done: result.done,
        ms: performance.now() - t,
      });
      episodePolicy.observe?.({ action, ...result });
      if (typeof options.policy === "function") {
        transcript.push(
          { role: "user", content: JSON.stringify(observation) },
          { role: "assistant", content: JSON.stringify(action) },
        );
      }
      if ((action as Record<string, unknown>).type === "call_tool") {
        const a = action as { tool_name: string; arguments?: unknown };
        const obs = result.observation as {
          result?: { data?: unknown };
          error?: { message?: string } | null;
        };
        trace.push({
          tool_name: a.tool_name,
          arguments: a.arguments ?? {},
          result: {
            data: obs.result?.data ?? obs.result ?? null,
            done: result.done,
            metadata: {},
            error: obs.error?.message ?? null,
          },
        });
      }
      observation = result.observation;
      reward = result.reward;
      isDone = result.done;
    }
    const total = steps.reduce((s, x) => s + numeric(x.reward), 0);
    const state = await client.state({ signal }).catch(() => null);
    const trajectory: TrajectoryRecord = {
      schema: "openenv-deno/trajectory@1",
      episode_id: id,
      index,
      seed: seed ?? null,
      base_url: url,
      reset_observation: first.observation,
      steps,
      total_reward: total,
      done: isDone,
      end,
      ms: performance.now() - started,
    };
    const messages = episodePolicy.messages?.() ?? transcript;
    const record: EpisodeRecord = {
      episode_id: id,
      messages,
      reward: total,
      done: isDone,
      tool_trace: trace,
      metrics: {
        turns: steps.length,
        tool_calls: trace.length,
        ...(end === "max_steps" ? { truncated: true } : {}),
      },
      verify_metrics: {
        step_count: (state as { step_count?: number } | null)?.step_count ?? steps.length,
      },
      artifacts: { final_state: state, transcript_length: messages.length },
      task: { seed: seed ?? null },
      extra: { base_url: url, end },
    };
    if (files) {
      await files.trajectories.write(encoder.encode(JSON.stringify(trajectory) + "\n"));
      await files.results.write(encoder.encode(JSON.stringify(record) + "\n"));
    }
    out.push(trajectory);
  };

  // One pool slot per worker, spread over the servers; a slot whose episode
  // failed gets a fresh session before the worker takes the next episode.
  const n = Math.max(1, Math.min(options.concurrency ?? 8, todo.length));
  const pool = new EnvPool({ urls: options.baseUrls, size: n, recorder: options.recorder });
  const worker = async (w: number): Promise<void> => {
    const url = pool.info()[w].url;
    while (next < todo.length && !signal.aborted) {
      const index = todo[next++];
      const id = episodeId(prefix, index);
      try {
        await runEpisode(pool.session(w), url, index);
        completed++;
        options.onProgress?.({
          completed,
          failed: failures.length,
          total: todo.length,
          episodeId: id,
          reward: out.at(-1)!.total_reward,
        });
      } catch (error) {
        if (signal.aborted) break;
        failures.push({ episodeId: id, error: (error as Error)?.message ?? String(error) });
        options.onProgress?.({
          completed,
          failed: failures.length,
          total: todo.length,
          episodeId: id,
          reward: null,
        });
        await pool.replace(w);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: n }, (_, w) => worker(w)));
  } finally {
    await pool.close();
    files?.results.close();
    files?.trajectories.close();
  }
  signal.throwIfAborted();
  out.sort((a, b) => a.index - b.index);
  const rewards = out.map((t) => t.total_reward);
  return {
    collected: out.length,
    skipped: options.episodes - todo.length,
    failed: failures.length,
    failures,
    trajectories: out,
    meanReward: rewards.length ? rewards.reduce((s, r) => s + r, 0) / rewards.length : NaN,
    successRate: out.length
      ? out.filter((t) => t.total_reward >= threshold).length / out.length
      : NaN,
  };
}
