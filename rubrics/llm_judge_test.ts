// LLMJudge against a local stand-in for an OpenAI-compatible chat completions
// server (a real Deno.serve socket), which records what it was sent.
import assert from "node:assert/strict";
import { FunctionRubric, LLMJudge, OpenAIChatClient, WeightedSum } from "./mod.ts";

interface StandIn extends AsyncDisposable {
  baseUrl: string;
  requests: { path: string; auth: string | null; body: Record<string, unknown> }[];
  replies: (string | { status: number; body: string })[];
}

function startStandIn(): StandIn {
  const state: Omit<StandIn, "baseUrl" | typeof Symbol.asyncDispose> = {
    requests: [],
    replies: [],
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const body = await req.json();
    state.requests.push({
      path: new URL(req.url).pathname,
      auth: req.headers.get("authorization"),
      body,
    });
    const reply = state.replies.shift() ?? "0";
    if (typeof reply !== "string") return new Response(reply.body, { status: reply.status });
    return Response.json({
      id: "chatcmpl-1",
      object: "chat.completion",
      model: body.model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: reply },
        finish_reason: "stop",
      }],
    });
  });
  const { port } = server.addr as Deno.NetAddr;
  return {
    ...state,
    get requests() {
      return state.requests;
    },
    get replies() {
      return state.replies;
    },
    baseUrl: `http://127.0.0.1:${port}/v1`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("LLMJudge fills the template, posts a chat completion and parses the score", async () => {
  await using llm = startStandIn();
  llm.replies.push("The answer is mostly right. Score: 0.75");
  const judge = new LLMJudge(
    "Task: {observation.task}\nAnswer: {action.text}\nWhole action: {action}\nBraces: {{ok}}",
    new OpenAIChatClient({
      baseUrl: llm.baseUrl,
      model: "judge-1",
      apiKey: "sk-test",
      systemPrompt: "You grade answers.",
    }),
  );
  const score = await judge.score({ text: "42" }, { task: "6*7" });
  assert.equal(score, 0.75);
  assert.equal(judge.lastScore, 0.75);
  assert.equal(llm.requests.length, 1);
  const [req] = llm.requests;
  assert.equal(req.path, "/v1/chat/completions");
  assert.equal(req.auth, "Bearer sk-test");
  assert.deepEqual(req.body, {
    model: "judge-1",
    messages: [
      { role: "system", content: "You grade answers." },
      {
        role: "user",
        content: 'Task: 6*7\nAnswer: 42\nWhole action: {"text":"42"}\nBraces: {ok}',
      },
    ],
    temperature: 0,
    max_tokens: 256,
  });
});

Deno.test("score parsing: integers, clamping, default score, custom patterns", () => {
  const client = { complete: () => Promise.resolve("") };
  const judge = new LLMJudge("{action}", client);
  assert.equal(judge.parseScore("1"), 1);
  assert.equal(judge.parseScore("I'd say 7 out of 10"), 1, "clamped to 1 when normalized");
  assert.equal(judge.parseScore("no number here"), 0);
  const raw = new LLMJudge("{action}", client, { normalize: false, defaultScore: 0.3 });
  assert.equal(raw.parseScore("7 out of 10"), 7);
  assert.equal(raw.parseScore("nothing"), 0.3);
  const pattern = new LLMJudge("{action}", client, { scorePattern: String.raw`SCORE=(\d+\.\d+)` });
  assert.equal(pattern.parseScore("step 3: SCORE=0.25"), 0.25);
  const whole = new LLMJudge("{action}", client, { scorePattern: /0\.\d+/ });
  assert.equal(whole.parseScore("about 0.6"), 0.6);
  assert.throws(
    () => new LLMJudge("{reward}", client).renderPrompt({}, {}),
    /Unknown field '\{reward\}'/,
  );
  assert.throws(() => new LLMJudge("a } b", client).renderPrompt({}, {}), /Unmatched '}'/);
});

Deno.test("an LLMJudge composes with sync rubrics inside WeightedSum", async () => {
  await using llm = startStandIn();
  llm.replies.push("0.5");
  const judge = new LLMJudge(
    "{action}",
    new OpenAIChatClient({ baseUrl: llm.baseUrl, model: "m" }),
  );
  const total = new WeightedSum([judge, new FunctionRubric(() => 1)], [0.5, 0.5]);
  assert.equal(await total.score("x", {}), 0.75);
});

Deno.test("endpoint failures are clear errors", async () => {
  await using llm = startStandIn();
  llm.replies.push({ status: 500, body: "model overloaded" });
  const client = new OpenAIChatClient({ baseUrl: llm.baseUrl, model: "m" });
  await assert.rejects(
    () => client.complete("hi"),
    /Chat completions request to 'http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions' failed with HTTP 500: model overloaded/,
  );
  llm.replies.push({ status: 200, body: '{"choices":[]}' });
  await assert.rejects(() => client.complete("hi"), /has no choices\[0\]\.message\.content/);
  assert.throws(() => new OpenAIChatClient({ baseUrl: "nope", model: "m" }), /is not a URL/);
  const aborted = new AbortController();
  aborted.abort(new Error("caller gave up"));
  await assert.rejects(() => client.complete("hi", { signal: aborted.signal }), /caller gave up/);
});

Deno.test("stateDict and partial loadStateDict", () => {
  const judge = new LLMJudge("T", { complete: () => Promise.resolve("") });
  assert.deepEqual(judge.stateDict(), {
    prompt_template: "T",
    score_pattern: String.raw`(\d+\.?\d*)`,
    default_score: 0,
    normalize: true,
  });
  judge.loadStateDict({ default_score: 0.5 });
  assert.equal(judge.defaultScore, 0.5);
  assert.equal(judge.promptTemplate, "T");
  judge.loadStateDict({ score_pattern: "X(\\d)", normalize: false });
  assert.equal(judge.parseScore("X7"), 7);
});
