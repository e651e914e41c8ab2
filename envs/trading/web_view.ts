/**
 * The trading environment's view in the web interface: a price-and-value
 * chart of the current episode (inline SVG), the portfolio, and the
 * end-of-episode report.
 *
 * @module
 */

/** The view, as `createApp`'s `webView` option takes it. */
export const tradingWebView: { script: string } = {
  script: String.raw`
const fmt = (x, d = 2) => typeof x === "number" ? x.toLocaleString(undefined, { maximumFractionDigits: d }) : String(x);

function chart(h, values, label) {
  const W = 560, H = 180, P = 28;
  const min = Math.min(...values), max = Math.max(...values);
  const span = max - min || 1;
  const x = (i) => P + (values.length > 1 ? (i * (W - 2 * P)) / (values.length - 1) : 0);
  const y = (v) => H - P - ((v - min) * (H - 2 * P)) / span;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label + ": from " + fmt(values[0]) + " to " + fmt(values[values.length - 1]));
  svg.style.width = "100%";
  svg.style.maxWidth = W + "px";
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", values.map((v, i) => x(i) + "," + y(v)).join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", values[values.length - 1] >= values[0] ? "#1a7f37" : "#cf222e");
  line.setAttribute("stroke-width", "2");
  const axis = document.createElementNS(ns, "path");
  axis.setAttribute("d", "M" + P + " " + P + " V" + (H - P) + " H" + (W - P));
  axis.setAttribute("stroke", "#888");
  axis.setAttribute("fill", "none");
  const text = (tx, ty, s) => {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", tx); t.setAttribute("y", ty); t.setAttribute("font-size", "11");
    t.textContent = s;
    return t;
  };
  svg.append(axis, line, text(2, P - 6, fmt(max)), text(2, H - 6, fmt(min)));
  return h("figure", { class: "trading-chart" }, [svg, h("figcaption", { text: label })]);
}

export function render(observation, container, context) {
  const { h } = context;
  // The current episode: everything since the last reset in this tab's history.
  const since = context.history.map((e) => e.kind).lastIndexOf("reset");
  const episode = since >= 0 ? context.history.slice(since) : [];
  const values = episode.map((e) => e.observation && e.observation.portfolio_value).filter((v) => typeof v === "number");
  if (!values.length || values[values.length - 1] !== observation.portfolio_value) values.push(observation.portfolio_value);
  const rows = (observation.tickers || []).map((t, i) =>
    h("tr", null, [
      h("th", { scope: "row", text: t }),
      h("td", { text: fmt(observation.prices[i]) }),
      h("td", { text: fmt(observation.holdings[i], 0) }),
      h("td", { text: fmt(observation.prices[i] * observation.holdings[i]) }),
    ])
  );
  const parts = [
    h("p", { text: "Date " + observation.date + " — portfolio " + fmt(observation.portfolio_value) + ", cash " + fmt(observation.cash) + ", turbulence " + fmt(observation.turbulence) }),
    chart(h, values, "Portfolio value this episode"),
    h("table", null, [
      h("thead", null, [h("tr", null, ["Ticker", "Price", "Shares", "Value"].map((c) => h("th", { scope: "col", text: c })))]),
      h("tbody", null, rows),
    ]),
  ];
  const r = observation.report;
  if (r) {
    parts.push(h("section", { "aria-label": "Episode report" }, [
      h("h3", { text: "Episode report" }),
      h("ul", null, [
        ["Total return", fmt(r.total_return * 100) + "%"],
        ["Sharpe ratio", fmt(r.sharpe_ratio)],
        ["Max drawdown", fmt(r.max_drawdown * 100) + "%"],
        ["Turnover", fmt(r.turnover)],
        ["Trades", fmt(r.trades, 0)],
        ["Costs", fmt(r.costs)],
      ].map(([k, v]) => h("li", { text: k + ": " + v }))),
    ]));
  }
  container.replaceChildren(...parts);
}
`,
};
