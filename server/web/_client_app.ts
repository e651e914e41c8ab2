// Internal: the browser script of the web interface (served at /web/app.js):
// the tab's own /ws session, reset and step, the observation view, the state
// and the tab's history. Plain JavaScript kept in a string (see
// _client_form.ts).

/** The script, served as is. */
export const APP_JS: string = String
  .raw`// OpenEnv web interface: this tab's own /ws session, the action form, the
// observation (generic or custom view), the state and the tab's history.
import { buildActionForm, h } from "./form.js";

const config = JSON.parse(document.getElementById("openenv-config").textContent || "{}");
const $ = (id) => document.getElementById(id);
const STORE_KEY = "openenv-web-history:" + location.pathname;
const MAX_HISTORY = 1000;

let history = loadHistory();
let current = {
  observation: null,
  reward: null,
  done: false,
  state: {},
  episodeReturn: 0,
  rewards: [],
};
let socket = null;
let form = null;
let view = null;
let busy = false;

function loadHistory() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]");
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function saveHistory() {
  for (;;) {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(history));
      return;
    } catch {
      if (history.length <= 1) return; // storage full: keep the history in memory only
      history = history.slice(Math.ceil(history.length / 2));
    }
  }
}

/** Rewards as people read them: 0.30000000000000004 -> 0.3. */
function formatNumber(value) {
  if (typeof value === "number") return String(Number(value.toPrecision(12)));
  if (value === null || value === undefined) return "none";
  return String(value);
}

function shortId(id) {
  if (typeof id !== "string" || id === "") return "–";
  return id.length > 13 ? id.slice(0, 8) + "…" : id;
}

function pretty(value) {
  return JSON.stringify(value === undefined ? null : value, null, 2);
}

function describeError(message) {
  const data = (message && message.data) || {};
  let text = data.message || "The server answered with an error.";
  if (data.code) text += " (" + data.code + ")";
  if (Array.isArray(data.errors)) {
    for (const e of data.errors) {
      const where = Array.isArray(e.loc) && e.loc.length ? e.loc.join(".") + ": " : "";
      text += "\n• " + where + e.msg;
    }
  }
  return text;
}

function showError(text) {
  $("action-error").textContent = text || "";
}

function wsUrl() {
  const url = new URL("../ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** One /ws session: replies come strictly in the order of requests. */
class EnvSocket {
  constructor(url, onUnsolicited, onClose) {
    this.pending = [];
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("error", () => reject(new Error("Cannot connect to " + url)));
    });
    this.ws.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        message = { type: "error", data: { message: "Unreadable reply from the server" } };
      }
      const waiter = this.pending.shift();
      if (waiter) waiter(message);
      else onUnsolicited(message);
    });
    this.ws.addEventListener("close", (event) => {
      for (const waiter of this.pending.splice(0)) {
        waiter({ type: "error", data: { message: "The connection closed", code: "CLOSED" } });
      }
      onClose(event);
    });
  }

  request(message) {
    if (this.ws.readyState !== WebSocket.OPEN) {
      return Promise.resolve({
        type: "error",
        data: { message: "Not connected: start a new session", code: "CLOSED" },
      });
    }
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.ws.send(JSON.stringify(message));
    });
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: "close" }));
    }
    this.ws.close();
  }
}

function setConnection(state, text) {
  const node = $("connection");
  node.dataset.state = state;
  node.textContent = text;
  $("reconnect").hidden = state === "open" || state === "connecting";
}

function connect() {
  if (socket) socket.close();
  setConnection("connecting", "Connecting…");
  const mine = new EnvSocket(
    wsUrl(),
    (message) => {
      if (message.type === "error") showError(describeError(message));
    },
    (event) => {
      if (socket !== mine) return;
      setConnection("closed", "Session ended" + (event.code ? " (code " + event.code + ")" : ""));
    },
  );
  socket = mine;
  current = {
    observation: null,
    reward: null,
    done: false,
    state: {},
    episodeReturn: 0,
    rewards: [],
  };
  render(null);
  mine.opened.then(
    () => {
      if (socket === mine) setConnection("open", "Connected: this tab's own session");
    },
    (error) => {
      if (socket === mine) setConnection("error", error.message);
    },
  );
}

function setBusy(on) {
  busy = on;
  $("step-button").disabled = on;
  $("reset-button").disabled = on;
  document.querySelector(".results").setAttribute("aria-busy", on ? "true" : "false");
}

async function fetchState() {
  const reply = await socket.request({ type: "state" });
  return reply.type === "state" ? reply.data : current.state;
}

async function doReset(options) {
  if (busy) throw new Error("Another request is still running");
  showError("");
  setBusy(true);
  try {
    const reply = await socket.request({ type: "reset", data: options || {} });
    if (reply.type === "error") {
      showError(describeError(reply));
      throw new Error(reply.data && reply.data.message);
    }
    const state = await fetchState();
    const data = reply.data || {};
    current = {
      observation: data.observation,
      reward: data.reward,
      done: data.done === true,
      state,
      episodeReturn: 0,
      rewards: [],
    };
    addHistory({
      kind: "reset",
      time: new Date().toISOString(),
      episode_id: state && state.episode_id,
      seed: options && options.seed,
      observation: data.observation,
      reward: data.reward,
      done: data.done === true,
    });
    render("reset");
    return data;
  } finally {
    setBusy(false);
  }
}

async function doStep(action) {
  if (busy) throw new Error("Another request is still running");
  showError("");
  setBusy(true);
  try {
    const reply = await socket.request({ type: "step", data: action });
    if (reply.type === "error") {
      const details = (reply.data && reply.data.errors) || [];
      if (form && !jsonMode()) form.showServerErrors(details);
      showError(describeError(reply));
      throw new Error(reply.data && reply.data.message);
    }
    const state = await fetchState();
    const data = reply.data || {};
    const reward = typeof data.reward === "number" ? data.reward : 0;
    current = {
      observation: data.observation,
      reward: data.reward,
      done: data.done === true,
      state,
      episodeReturn: current.episodeReturn + reward,
      rewards: current.rewards.concat([reward]),
    };
    addHistory({
      kind: "step",
      time: new Date().toISOString(),
      episode_id: state && state.episode_id,
      step: state && typeof state.step_count === "number" ? state.step_count : null,
      action,
      observation: data.observation,
      reward: data.reward,
      done: data.done === true,
    });
    render("step");
    updateSnippets(action);
    return data;
  } finally {
    setBusy(false);
  }
}

function jsonMode() {
  return document.querySelector('input[name="editor"][value="json"]').checked;
}

function readAction() {
  if (jsonMode() || !form) {
    const text = $("action-json-text").value.trim() || "{}";
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      showError("The action is not valid JSON: " + error.message);
      $("action-json-text").focus();
      return null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      showError('The action must be a JSON object, like {"message": "hi"}.');
      $("action-json-text").focus();
      return null;
    }
    return value;
  }
  const result = form.read();
  if (!result.ok) {
    const n = result.errors.length;
    showError(n + (n === 1 ? " field needs" : " fields need") + " attention before stepping.");
    form.focusFirstError();
    return null;
  }
  return result.value;
}

function setEditorMode(mode) {
  const fields = $("action-fields");
  const json = $("action-json");
  if (mode === "json") {
    if (form) {
      const result = form.read();
      form.clearErrors();
      $("action-json-text").value = pretty(result.value);
    }
    fields.hidden = true;
    json.hidden = false;
    $("action-json-text").focus();
    return;
  }
  let value;
  try {
    value = JSON.parse($("action-json-text").value.trim() || "{}");
  } catch (error) {
    showError("Fix the JSON before going back to the form: " + error.message);
    document.querySelector('input[name="editor"][value="json"]').checked = true;
    return;
  }
  showError("");
  if (form) {
    const dropped = form.write(value);
    if (dropped.length) {
      showError("Not part of the form, so left out: " + dropped.join(", ") + ".");
    }
  }
  json.hidden = true;
  fields.hidden = false;
}

/** Fills the "Connect from code" snippets with this server's URL and an action. */
function updateSnippets(action) {
  const base = new URL("..", location.href).href.replace(/\/$/, "");
  const example = action ? JSON.stringify(action) : "{}";
  $("snippet-python").textContent = [
    "from openenv.core import GenericEnvClient",
    "",
    "with GenericEnvClient(base_url=" + JSON.stringify(base) + ").sync() as env:",
    "    env.reset()",
    "    result = env.step(" + example + ")",
    "    print(result.observation, result.reward, result.done)",
  ].join("\n");
  $("snippet-ts").textContent = [
    'import { EnvClient } from "@openenv/core/client";',
    "",
    "await using env = await EnvClient.connect(" + JSON.stringify(base) + ");",
    "await env.reset();",
    "const { observation, reward, done } = await env.step(" + example + ");",
  ].join("\n");
}

function useAction(action) {
  if (jsonMode() || !form) {
    $("action-json-text").value = pretty(action);
  } else {
    form.write(action);
  }
  $("action-form").scrollIntoView({ block: "start" });
  $("step-button").focus();
}

function valueNode(key, value) {
  if (typeof value === "string") {
    if (/^data:image\/(png|jpeg|gif|webp);base64,/.test(value)) {
      return h("img", { src: value, alt: key });
    }
    if (value === "") return h("span", { class: "hint", text: "(empty string)" });
    if (value.includes("\n") || value.length > 100) return h("pre", { text: value });
    return h("span", { text: value });
  }
  if (value === null || typeof value !== "object") {
    return h("span", { class: "mono", text: String(value) });
  }
  return h("pre", { text: pretty(value) });
}

function genericView(observation, container) {
  container.replaceChildren();
  if (observation === null || observation === undefined) {
    container.append(h("p", { class: "hint", text: "No observation yet." }));
    return;
  }
  if (typeof observation !== "object") {
    container.append(valueNode("observation", observation));
    return;
  }
  const entries = Object.entries(observation);
  if (entries.length === 0) {
    container.append(h("p", { class: "hint", text: "The observation has no fields." }));
    return;
  }
  const list = h("dl", { class: "generic" });
  for (const [key, value] of entries) {
    list.append(h("dt", { text: key }), h("dd", { "data-field": key }, [valueNode(key, value)]));
  }
  container.append(list);
}

function viewContext() {
  return {
    reward: current.reward,
    done: current.done,
    state: current.state,
    history: history.slice(),
    step: (action) => doStep(action),
    reset: (options) => doReset(options),
    h,
  };
}

function renderObservation() {
  const container = $("observation-view");
  if (view && current.observation !== null && current.observation !== undefined) {
    try {
      view.render(current.observation, container, viewContext());
      return;
    } catch (error) {
      container.replaceChildren(
        h("p", {
          class: "view-error",
          text: "The custom view failed (" + error.message + "): showing the generic view.",
        }),
      );
      const inner = h("div");
      container.append(inner);
      genericView(current.observation, inner);
      return;
    }
  }
  genericView(current.observation, container);
}

function render(kind) {
  const state = current.state || {};
  const episode = $("episode-id");
  episode.textContent = shortId(state.episode_id);
  episode.title = state.episode_id || "";
  episode.dataset.full = state.episode_id || "";
  $("step-count").textContent = typeof state.step_count === "number"
    ? String(state.step_count)
    : "–";
  $("reward").textContent = kind ? formatNumber(current.reward) : "–";
  $("return").textContent = kind ? formatNumber(current.episodeReturn) : "–";
  $("done").textContent = kind ? (current.done ? "yes" : "no") : "–";
  $("done").dataset.done = String(current.done);
  $("observation-raw").textContent = pretty(current.observation);
  $("state").textContent = pretty(state);
  const live = $("live");
  if (kind === "reset") {
    live.textContent = "Episode " + shortId(state.episode_id) + " started." +
      (current.done ? " It is already done." : "");
  } else if (kind === "step") {
    live.textContent = "Step " + formatNumber(state.step_count) + ": reward " +
      formatNumber(current.reward) +
      (current.done ? ". The episode is done: reset to play again." : ".");
  } else {
    live.textContent = "Click Reset to start an episode.";
  }
  renderObservation();
  renderChart();
}

/** The rewards of the tab's current episode as bars (green above zero, red below). */
function renderChart() {
  const holder = $("reward-chart");
  const rewards = current.rewards || [];
  holder.replaceChildren();
  holder.hidden = rewards.length === 0;
  if (rewards.length === 0) return;
  const ns = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  };
  const high = Math.max(0, ...rewards);
  const low = Math.min(0, ...rewards);
  const span = high - low || 1;
  const width = Math.max(rewards.length * 8, 8);
  const height = 40;
  const zero = (high / span) * height;
  const chart = svg("svg", {
    viewBox: "0 0 " + width + " " + height,
    preserveAspectRatio: "none",
    role: "img",
    width: Math.min(rewards.length * 14, 480),
    height,
    "aria-label": "Rewards of the " + rewards.length + " steps of this episode, from " +
      formatNumber(Math.min(...rewards)) + " to " + formatNumber(Math.max(...rewards)),
  });
  rewards.forEach((r, i) => {
    const size = (Math.abs(r) / span) * height;
    chart.append(svg("rect", {
      x: i * 8 + 1,
      y: r >= 0 ? zero - size : zero,
      width: 6,
      height: Math.max(size, 0.5),
      class: r >= 0 ? "bar-up" : "bar-down",
    }));
  });
  chart.append(svg("line", { x1: 0, x2: width, y1: zero, y2: zero, class: "axis" }));
  holder.append(chart);
}

function historyItem(entry) {
  const isStep = entry.kind === "step";
  const title = isStep
    ? "Step " + formatNumber(entry.step) + ": reward " + formatNumber(entry.reward) +
      (entry.done ? ", done" : "")
    : "Reset: episode " + shortId(entry.episode_id) +
      (entry.seed !== undefined && entry.seed !== null ? " (seed " + entry.seed + ")" : "");
  const when = new Date(entry.time);
  const body = h("div", { class: "entry-body" }, [
    isStep ? [h("h3", { text: "Action" }), h("pre", { text: pretty(entry.action) })] : null,
    h("h3", { text: "Observation" }),
    h("pre", { text: pretty(entry.observation) }),
    h("p", {
      class: "hint",
      text: "Reward " + formatNumber(entry.reward) + ", done " + (entry.done ? "yes" : "no") +
        ". Episode " + (entry.episode_id || "unknown") + " at " + when.toLocaleTimeString() + ".",
    }),
    isStep
      ? h("button", {
        type: "button",
        class: "small",
        text: "Use this action",
        onclick: () => useAction(entry.action),
      })
      : null,
  ]);
  return h("li", { class: isStep ? "step-entry" : "reset-entry", "data-kind": entry.kind }, [
    h("details", null, [h("summary", { text: title }), body]),
  ]);
}

function renderHistory() {
  const list = $("history");
  list.replaceChildren(...history.map(historyItem).reverse());
  list.setAttribute("start", String(history.length));
}

function addHistory(entry) {
  history.push(entry);
  if (history.length > MAX_HISTORY) {
    history = history.slice(-MAX_HISTORY);
    renderHistory();
  } else {
    const list = $("history");
    list.prepend(historyItem(entry));
    list.setAttribute("start", String(history.length));
  }
  saveHistory();
}

function readReset() {
  const seedInput = $("reset-seed");
  const seedError = $("reset-seed-error");
  seedError.textContent = "";
  seedInput.removeAttribute("aria-invalid");
  const options = {};
  const raw = seedInput.value.trim();
  if (seedInput.validity.badInput || raw !== "") {
    const seed = Number(raw);
    if (seedInput.validity.badInput || raw === "" || !Number.isInteger(seed) || seed < 0) {
      seedError.textContent = "The seed must be a whole number, 0 or more.";
      seedInput.setAttribute("aria-invalid", "true");
      seedInput.focus();
      return null;
    }
    options.seed = seed;
  }
  const episode = $("reset-episode").value.trim();
  if (episode !== "") options.episode_id = episode;
  return options;
}

async function loadSchema() {
  try {
    const response = await fetch(new URL("../schema", location.href));
    if (!response.ok) throw new Error("GET /schema answered " + response.status);
    const schema = await response.json();
    form = buildActionForm($("action-fields"), schema.action);
  } catch (error) {
    $("action-fields").replaceChildren(
      h("p", { class: "hint", text: "No form (" + error.message + "): use the raw JSON editor." }),
    );
    document.querySelector('input[name="editor"][value="json"]').checked = true;
    setEditorMode("json");
  }
}

async function loadView() {
  if (!config.customView) return;
  try {
    const module = await import(new URL("./view.js", location.href).href);
    if (typeof module.render !== "function") {
      throw new Error("view.js must export a function render(observation, container, context)");
    }
    view = module;
  } catch (error) {
    view = null;
    showError("The custom view could not be loaded, so the generic view is used: " + error.message);
  }
}

function wire() {
  $("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const options = readReset();
    if (options) doReset(options).catch(() => {});
  });
  $("action-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const action = readAction();
    if (action) doStep(action).catch(() => {});
  });
  $("action-form").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("action-form").requestSubmit();
    }
  });
  for (const radio of document.querySelectorAll('input[name="editor"]')) {
    radio.addEventListener("change", () => {
      if (radio.checked) setEditorMode(radio.value);
    });
  }
  $("clear-history").addEventListener("click", () => {
    history = [];
    saveHistory();
    renderHistory();
  });
  $("reconnect").addEventListener("click", () => connect());
  addEventListener("pagehide", () => {
    if (socket) socket.close();
  });
}

async function main() {
  wire();
  renderHistory();
  const lastStep = history.filter((e) => e.kind === "step").at(-1);
  updateSnippets(lastStep ? lastStep.action : null);
  connect();
  await Promise.all([loadSchema(), loadView()]);
  document.body.dataset.ready = "true";
}

main();
`;
