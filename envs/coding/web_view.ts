/**
 * The code output view for the web interface: exit code, the error line,
 * stdout and stderr (with the traceback), and flags for timeouts,
 * truncation and a restarted interpreter. Type code in the form's `code`
 * field and press Step.
 *
 * @module
 */
import type { WebViewOptions } from "@openenv/core/server";

const script = String.raw`
export function render(obs, container, ctx) {
  const h = ctx.h;
  const ok = obs.exit_code === 0;
  const meta = obs.metadata || {};
  const flags = [];
  if (meta.timed_out) flags.push("timed out");
  if (meta.truncated) flags.push("output truncated");
  if (meta.interpreter_lost) flags.push("interpreter restarted: earlier variables are gone");
  const block = (title, text, cls, color) =>
    h("section", { class: cls }, [
      h("h3", { text: title }),
      h("pre", {
        style: "white-space:pre-wrap;max-height:24rem;overflow:auto;padding:.5rem;border:1px solid #ccc;color:" + color,
        text: text,
      }),
    ]);
  container.replaceChildren(h("div", { class: "code-view" }, [
    h("p", {
      class: "code-status",
      role: "status",
      style: "font-weight:bold;color:" + (ok ? "#2e7d32" : "#b00020"),
      text: (ok ? "Exit code 0" : "Exit code " + obs.exit_code) + (meta.error ? ": " + meta.error : ""),
    }),
    flags.length ? h("p", { class: "code-flags", text: flags.join("; ") }) : null,
    block("stdout", obs.stdout || "(empty)", "code-stdout", "inherit"),
    obs.stderr ? block("stderr", obs.stderr, "code-stderr", "#b00020") : null,
  ]));
}
`;

/**
 * The output view; `createCodingApp` uses it for the web interface.
 *
 * @example
 * ```ts ignore
 * import { createApp } from "@openenv/core/server";
 * import { CodeAction, CodeObservation, CodingEnvironment, codeOutputView } from "@openenv/coding";
 *
 * createApp(() => new CodingEnvironment(), {
 *   action: CodeAction,
 *   observation: CodeObservation,
 *   webView: codeOutputView,
 * });
 * ```
 */
export const codeOutputView: WebViewOptions = { script };
