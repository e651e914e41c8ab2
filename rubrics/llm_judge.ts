/**
 * `LLMJudge`: a rubric that asks a language model to score an action and
 * its observation.
 *
 * @module
 */
import type { LLMClient } from "./openai_client.ts";
import { Rubric } from "./rubric.ts";

/** Options for {@linkcode LLMJudge}. */
export interface LLMJudgeOptions {
  /**
   * Pattern that finds the score in the reply; its first group (or the whole
   * match) is the number. @default {/(\d+\.?\d*)/}
   */
  scorePattern?: string | RegExp;
  /** Score when the reply holds no number. @default {0.0} */
  defaultScore?: number;
  /** Clamp scores to [0, 1]. @default {true} */
  normalize?: boolean;
}

const DEFAULT_PATTERN = String.raw`(\d+\.?\d*)`;

function display(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

/**
 * Scores with a language model: fills `promptTemplate` (Python
 * `str.format` style: `{action}`, `{observation}`, dotted fields such as
 * `{action.code}`, `{{` and `}}` for braces), sends it through an
 * {@linkcode LLMClient} and reads the first number of the reply.
 *
 * @example
 * ```ts ignore
 * import { LLMJudge, OpenAIChatClient } from "@openenv/core/rubrics";
 *
 * const judge = new LLMJudge(
 *   "Rate this answer from 0 to 1.\nAnswer: {action.text}\nScore:",
 *   new OpenAIChatClient({ baseUrl: "http://localhost:8000/v1", model: "judge" }),
 * );
 * const score = await judge.score({ text: "42" }, {});
 * ```
 */
// deno-lint-ignore no-explicit-any
export class LLMJudge<A = any, O = any> extends Rubric<A, O> {
  /** The prompt template. */
  promptTemplate: string;
  /** Score when the reply holds no number. */
  defaultScore: number;
  /** Whether scores are clamped to [0, 1]. */
  normalize: boolean;
  #pattern: RegExp;
  readonly #client: LLMClient;

  /**
   * Creates the rubric.
   *
   * @param promptTemplate Template with `{action}` and `{observation}` fields.
   * @param client The model endpoint.
   * @param options Score pattern, default score and normalisation.
   */
  constructor(promptTemplate: string, client: LLMClient, options: LLMJudgeOptions = {}) {
    super();
    if (typeof client?.complete !== "function") {
      throw new TypeError("LLMJudge needs a client with complete(prompt), e.g. OpenAIChatClient");
    }
    this.promptTemplate = promptTemplate;
    this.#client = client;
    this.#pattern = new RegExp(options.scorePattern ?? DEFAULT_PATTERN);
    this.defaultScore = options.defaultScore ?? 0.0;
    this.normalize = options.normalize ?? true;
  }

  /** Asks the model and parses its reply. */
  async forward(action: A, observation: O): Promise<number> {
    const reply = await this.#client.complete(this.renderPrompt(action, observation));
    return this.parseScore(reply);
  }

  /**
   * Fills the template.
   *
   * @throws {RangeError} For a field other than `action` or `observation`, or an unmatched brace.
   */
  renderPrompt(action: A, observation: O): string {
    const values: Record<string, unknown> = { action, observation };
    return this.promptTemplate.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, field) => {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      if (field === undefined) {
        throw new RangeError(
          `Unmatched '${match}' in the prompt template: write '${match}${match}'`,
        );
      }
      const [root, ...path] = String(field).split(".");
      if (!(root in values)) {
        throw new RangeError(
          `Unknown field '{${field}}' in the prompt template: use {action} or {observation}`,
        );
      }
      let value = values[root];
      for (const key of path) {
        value = value !== null && typeof value === "object"
          ? (value as Record<string, unknown>)[key]
          : undefined;
      }
      return display(value);
    });
  }

  /** Extracts the score from a reply (default score when there is none). */
  parseScore(reply: string): number {
    const match = this.#pattern.exec(reply);
    if (!match) return this.defaultScore;
    const score = Number.parseFloat(match[1] ?? match[0]);
    if (Number.isNaN(score)) return this.defaultScore;
    return this.normalize ? Math.max(0, Math.min(1, score)) : score;
  }

  /** `{prompt_template, score_pattern, default_score, normalize}`. */
  override stateDict(): Record<string, unknown> {
    return {
      prompt_template: this.promptTemplate,
      score_pattern: this.#pattern.source,
      default_score: this.defaultScore,
      normalize: this.normalize,
    };
  }

  /** Loads any of the keys of {@linkcode LLMJudge.stateDict}. */
  override loadStateDict(state: Record<string, unknown>): void {
    if (typeof state.prompt_template === "string") this.promptTemplate = state.prompt_template;
    if (typeof state.score_pattern === "string") this.#pattern = new RegExp(state.score_pattern);
    if (typeof state.default_score === "number") this.defaultScore = state.default_score;
    if (typeof state.normalize === "boolean") this.normalize = state.normalize;
  }
}
