/**
 * The hook for a custom observation view in the web interface.
 *
 * @module
 */

/**
 * A custom view of an environment's observations in the web interface, used
 * instead of the generic field list (a chess board, a game frame, a price
 * chart, a program's output).
 *
 * `script` is the source of a browser ES module, served at `/web/view.js`. It
 * must export `render(observation, container, context)`, which the page calls
 * after every reset and step of the tab's session:
 *
 * - `observation`: the observation fields (everything but `reward` and
 *   `done`), as `/ws` sends them;
 * - `container`: the element to draw into (it keeps what the previous call
 *   left, so replace its children);
 * - `context`: `{ reward, done, state, history, step(action), reset(options), h }`.
 *   `step` and `reset` go through the tab's own session and update the page
 *   like the form does (they return promises and reject on errors); `h(tag,
 *   attrs, children)` creates elements; `history` is a copy of the tab's log.
 *
 * If the module fails to load or `render` throws, the page says so and shows
 * the generic view. The page's Content-Security-Policy allows only
 * same-origin scripts and `data:` images, so a view cannot load code from
 * elsewhere.
 *
 * @example A board drawn as a grid of buttons
 * ```ts
 * import type { WebViewOptions } from "@openenv/core/server";
 *
 * const boardView: WebViewOptions = {
 *   script: `
 *     export function render(observation, container, context) {
 *       const grid = context.h("div", { role: "grid", "aria-label": "Board" });
 *       observation.board.forEach((row, r) => {
 *         const line = context.h("div", { role: "row" });
 *         row.forEach((cell, c) => line.append(context.h("button", {
 *           role: "gridcell",
 *           text: cell || "·",
 *           onclick: () => context.step({ row: r, col: c }),
 *         })));
 *         grid.append(line);
 *       });
 *       container.replaceChildren(grid);
 *     }`,
 * };
 * ```
 */
export interface WebViewOptions {
  /** Source of the ES module that exports `render(observation, container, context)`. */
  script: string;
}
