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
  /** Extra request headers (for example for a gateway). */
  headers?: Record<string, string>;
}

/**
 * A chat message in the OpenAI format, as sent; other fields of the format
 * (`tool_calls`, `tool_call_id`, `name`) travel as they are.
 */
export interface ChatRequestMessage {
  /** `system`, `user`, `assistant` or `tool`. */
  role: string;
  /** Text content (null for an assistant message with only tool calls). */
  content: string | null;
}

/** The assistant message of a reply (`choices[0].message`). */
export interface ChatReplyMessage {
  /** The reply text, if any. */
  content?: string | null;
  /** Tool calls the model made. */
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
  /** Anything else the server sent. */
  [key: string]: unknown;
}

/** Options for {@linkcode OpenAIChatClient.chat}. */
export interface ChatOptions extends CompleteOptions {
  /** Extra request fields, for example `tools` and `tool_choice`. */
  body?: Record<string, unknown>;
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
    const reply = await this.#post(messages, {
      signal: options.signal,
      body: { max_tokens: o.maxTokens ?? 256 },
    });
    const content = (reply as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
      ?.message?.content;
    if (typeof content !== "string") {
      throw new Error(
        `Chat completions reply from '${this.url}' has no choices[0].message.content`,
      );
    }
    return content;
  }

  /**
   * Sends a whole conversation and returns the assistant message, tool calls
   * included. The system prompt of the options is not added here.
   *
   * @param messages The conversation so far.
   * @param options Abort signal and extra request fields (`tools`, ...).
   * @throws {Error} On an HTTP error, a timeout or a reply without a message.
   *
   * @example
   * ```ts ignore
   * const reply = await client.chat([{ role: "user", content: "hi" }], { body: { tools } });
   * console.log(reply.tool_calls?.[0]?.function.name);
   * ```
   */
  async chat(messages: ChatRequestMessage[], options: ChatOptions = {}): Promise<ChatReplyMessage> {
    const reply = await this.#post(messages, options);
    const message = (reply as { choices?: { message?: unknown }[] })?.choices?.[0]?.message;
    if (message === null || typeof message !== "object") {
      throw new Error(`Chat completions reply from '${this.url}' has no choices[0].message`);
    }
    return message as ChatReplyMessage;
  }

  /** Posts one chat completions request and returns the parsed reply. */
  async #post(messages: ChatRequestMessage[], options: ChatOptions): Promise<unknown> {
    const o = this.#options;
    const headers: Record<string, string> = { "content-type": "application/json", ...o.headers };
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
        ...(o.maxTokens ? { max_tokens: o.maxTokens } : {}),
        ...options.body,
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
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(
        `Chat completions reply from '${this.url}' is not JSON: ${text.slice(0, 200)}`,
      );
    }
  }
}
