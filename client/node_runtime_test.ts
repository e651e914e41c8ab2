// The client is runtime-neutral: bundle client/mod.ts to one JavaScript file
// and drive our echo server from Node (the machine's `node`; Node 20 needs
// --experimental-websocket for the global WebSocket, Node 22+ has it).
import assert from "node:assert/strict";
import { startTestServer } from "../testing/mod.ts";
import { createEchoApp } from "../envs/echo/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (cause) {
    throw new Error(`Cannot run '${cmd}': install Node.js (node 20 or newer)`, { cause });
  }
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`'${cmd} ${args.join(" ")}' failed:\n${text.decode(out.stderr)}`);
  }
  return text.decode(out.stdout);
}

const SCRIPT = `
import { EnvClient, HttpEnvClient, ServerError, ConnectError } from "./client.js";
const url = process.argv[2];
const env = new EnvClient(url, { headers: { Authorization: "Bearer node" } });
const first = await env.reset({ seed: 1, episodeId: "from-node" });
const step = await env.step({ message: "node" });
let code = null;
try { await env.step({ bogus: 1 }); } catch (e) { code = e instanceof ServerError ? e.code : String(e); }
const state = await env.state();
await env.close();
const http = new HttpEnvClient(url);
const health = await http.health();
let refused = null;
try { await new EnvClient(url).reset(); } catch (e) { refused = e instanceof ConnectError ? true : e.name + ': ' + e.message; }
console.log(JSON.stringify({ first, step, code, state, health, refused, status: env.status }));
`;

Deno.test("the bundled client runs in Node against our server", async () => {
  const version = (await run("node", ["--version"])).trim();
  const major = Number(version.replace(/^v/, "").split(".")[0]);
  assert.ok(major >= 20, `Node ${version} is too old: the client needs a global WebSocket`);
  const dir = await Deno.makeTempDir();
  const echo = createEchoApp();
  const auth: string[] = [];
  // Only the WebSocket needs the header; a handshake without it is refused.
  await using server = startTestServer({
    ...echo,
    fetch: (request: Request) => {
      const isWs = request.headers.get("upgrade")?.toLowerCase() === "websocket";
      if (isWs) {
        const header = request.headers.get("authorization");
        auth.push(String(header));
        if (header !== "Bearer node") return Promise.resolve(new Response("no", { status: 401 }));
      }
      return echo.fetch(request);
    },
  });
  try {
    await run(Deno.execPath(), [
      "bundle",
      "--platform",
      "browser",
      "-o",
      `${dir}/client.js`,
      `${ROOT}client/mod.ts`,
    ]);
    await Deno.writeTextFile(`${dir}/main.mjs`, SCRIPT);
    const flags = major < 22 ? ["--experimental-websocket"] : [];
    const out = JSON.parse(await run("node", [...flags, "main.mjs", server.url], dir));
    assert.deepEqual(out.first.observation, {
      echoed_message: "Echo environment ready!",
      message_length: 0,
    });
    assert.equal(out.step.observation.echoed_message, "node");
    assert.equal(out.step.reward, 0.4);
    assert.equal(out.code, "VALIDATION_ERROR");
    assert.deepEqual(out.state, { episode_id: "from-node", step_count: 1 });
    assert.deepEqual(out.health, { status: "healthy" });
    assert.equal(out.refused, true);
    assert.equal(out.status, "closed");
    assert.ok(auth.includes("Bearer node"), `headers seen: ${auth.join(", ")}`);
  } finally {
    await echo.close();
    await Deno.remove(dir, { recursive: true });
  }
});
