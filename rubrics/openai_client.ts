/**
 * A minimal client for any OpenAI-compatible chat completions endpoint
 * (OpenAI, vLLM, TGI, Ollama, llama.cpp, …), over `fetch`.
 *
 * @module
 */

/** Options for {@linkcode LLMClient.complete}. */
export interface CompleteOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** What {@linkcode LLMJudge} needs: a prompt in, the model's text out. */
export interface LLMClient {
  /** Sends one user prompt and returns the model's reply text. */
  complete(prompt: string, options?: CompleteOptions): Promise<string>;
}

/** Options for {@linkcode OpenAIChatClient}. */
export interface OpenAIChatClientOptions {
  /** API base URL including the version, e.g. `http://localhost:8000/v1`. */
  baseUrl: string;
  /** Model name sent as `model`. */
  model: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** A system message sent before every prompt. */
  systemPrompt?: string;
  /** Sampling temperature. @default {0} */
  temperature?: number;
  /** Most tokens in the reply (`max_tokens`). @default {256} */
  maxTokens?: number;
  /** Give up after this many milliseconds. @default {60000} */
  timeoutMs?: number;
  /** The fetch implementation. @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/**
 * Calls `POST <baseUrl>/chat/completions` and returns
 * `choices[0].message.content`.
 *
 * @example
 * ```ts ignore
 * import { OpenAIChatClient } from "@openenv/core/rubrics";
 *
 * const client = new OpenAIChatClient({ baseUrl: "http://localhost:8000/v1", model: "qwen" });
 * const text = await client.complete("Rate 0 to 1: ...");
 * ```
 */
export class OpenAIChatClient implements LLMClient {
  readonly #options: OpenAIChatClientOptions;

  /**
   * Creates the client.
   *
   * @param options Endpoint, model and sampling settings.
   * @throws {TypeError} When `baseUrl` is not a URL or `model` is empty.
   */
  constructor(options: OpenAIChatClientOptions) {
    try {
      new URL(options.baseUrl);
    } catch {
      throw new TypeError(
        `baseUrl ${
          JSON.stringify(options.baseUrl)
        } is not a URL: use e.g. "http://localhost:8000/v1"`,
      );
    }
    if (!options.model) throw new TypeError("model is required, e.g. { model: 'gpt-4o-mini' }");
    this.#options = options;
  }

  /** The endpoint this client posts to. */
  get url(): string {
    return `${this.#options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  }

  /**
   * Sends a prompt and returns the reply text.
   *
   * @param prompt The user message.
   * @param options Abort signal.
   * @throws {Error} On an HTTP error, a timeout or a reply without text.
   */
  async complete(prompt: string, options: CompleteOptions = {}): Promise<string> {
    const o = this.#options;
    const messages = [
      ...(o.systemPrompt ? [{ role: "system", content: o.systemPrompt }] : []),
      { role: "user", content: prompt },
    ];
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 60_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await (o.fetch ?? fetch)(this.url, {
      method: "POST",
      headers,
      body: JSON.stringify({
        model: o.model,
        messages,
        temperature: o.temperature ?? 0,
        max_tokens: o.maxTokens ?? 256,
      }),
      signal,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `Chat completions request to '${this.url}' failed with HTTP ${response.status}: ${
          text.slice(0, 500)
        }`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `Chat completions reply from '${this.url}' is not JSON: ${text.slice(0, 200)}`,
      );
    }
    const content = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
      ?.message?.content;
    if (typeof content !== "string") {
      throw new Error(
        `Chat completions reply from '${this.url}' has no choices[0].message.content`,
      );
    }
    return content;
  }
}
