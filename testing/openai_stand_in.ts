/**
 * A local stand-in for an OpenAI-compatible chat completions server
 * (`POST /v1/chat/completions`), answering with scripted replies. Modelled
 * on the request and response shapes of vLLM's and SGLang's OpenAI-compatible
 * servers (the `tools` / `tool_calls` function-calling format), so policies
 * can be tested without a model.
 *
 * @module
 */

/** A scripted reply: text, a tool call, or both. */
export interface ScriptedReply {
  /** Assistant text. */
  content?: string | null;
  /** A tool call: function name and arguments (an object, sent as a JSON string). */
  toolCall?: { name: string; arguments: Record<string, unknown> };
}

/** The request body the stand-in received. */
export interface ChatRequest {
  /** Model name. */
  model: string;
  /** The chat so far. */
  messages: { role: string; content: string | null; [key: string]: unknown }[];
  /** Offered tools. */
  tools?: {
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }[];
  /** Anything else sent. */
  [key: string]: unknown;
}

/** A running stand-in. */
export interface OpenAIStandIn {
  /** Base URL including `/v1`, for example `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: ChatRequest[];
  /** Stops the server. */
  close(): Promise<void>;
  /** Same as {@linkcode OpenAIStandIn.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a stand-in on a free loopback port. `reply` decides each answer
 * from the request (for example from the number of tool messages so far).
 *
 * @example
 * ```ts ignore
 * await using llm = startOpenAIStandIn((req) => ({ toolCall: { name: "act", arguments: { message: "hi" } } }));
 * ```
 */
export function startOpenAIStandIn(
  reply: (request: ChatRequest) => ScriptedReply | Promise<ScriptedReply>,
): OpenAIStandIn {
  const requests: ChatRequest[] = [];
  let n = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return Response.json({ error: { message: `no route ${req.method} ${url.pathname}` } }, {
        status: 404,
      });
    }
    let body: ChatRequest;
    try {
      body = await req.json();
    } catch {
      return Response.json({ error: { message: "body is not JSON" } }, { status: 400 });
    }
    if (typeof body.model !== "string" || !Array.isArray(body.messages)) {
      return Response.json({ error: { message: "model and messages are required" } }, {
        status: 400,
      });
    }
    requests.push(body);
    const r = await reply(body);
    const id = `call_${++n}`;
    const message: Record<string, unknown> = { role: "assistant", content: r.content ?? null };
    if (r.toolCall) {
      message.tool_calls = [{
        id,
        type: "function",
        function: { name: r.toolCall.name, arguments: JSON.stringify(r.toolCall.arguments) },
      }];
    }
    return Response.json({
      id: `chatcmpl-${n}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message, finish_reason: r.toolCall ? "tool_calls" : "stop" }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  });
  const { port } = server.addr as Deno.NetAddr;
  const close = () => server.shutdown();
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
