/**
 * Internal: small hand-written SVG charts for BENCHMARKS.md (grouped
 * horizontal bars, linear or logarithmic scale), no dependencies.
 *
 * @module
 */

/** One series of a bar chart: a value per category (NaN or null for none). */
export interface Series {
  /** Legend label. */
  name: string;
  /** Fill colour. */
  color: string;
  /** One value per category. */
  values: (number | null)[];
}

/** A grouped horizontal bar chart. */
export interface BarChart {
  /** Title on top. */
  title: string;
  /** Unit shown after each value and on the axis. */
  unit: string;
  /** Group labels, top to bottom. */
  categories: string[];
  /** Bars of each group, top to bottom. */
  series: Series[];
  /** Logarithmic axis (for values spanning orders of magnitude). @default {false} */
  log?: boolean;
}

/** Colours used across the charts. */
export const COLORS = {
  ours: "#2f6fdf",
  raw: "#8a8f98",
  reference: "#e0793a",
  oursLight: "#9dbcf2",
} as const;

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

/** Formats a value for a bar label. */
export function label(value: number): string {
  if (value >= 100_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return Math.round(value).toLocaleString("en-US");
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toPrecision(2);
}

/** Renders a chart as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const width = 760;
  const left = 150;
  const right = 90;
  const barH = 16;
  const gap = 4;
  const groupGap = 14;
  const top = 48;
  const plotW = width - left - right;
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number =>
    v !== null && Number.isFinite(v) && v > 0
  );
  const max = Math.max(...values, 1e-9);
  const min = Math.min(...values, max);
  const logMin = Math.pow(10, Math.floor(Math.log10(min)));
  const logMax = Math.pow(10, Math.ceil(Math.log10(max)));
  const scale = (v: number): number =>
    chart.log
      ? ((Math.log10(v) - Math.log10(logMin)) / (Math.log10(logMax) - Math.log10(logMin))) * plotW
      : (v / max) * plotW;
  const groupH = chart.series.length * (barH + gap) - gap;
  const plotH = chart.categories.length * (groupH + groupGap) - groupGap;
  const legendY = top + plotH + 36;
  const height = legendY + 24;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="600" fill="#1d2330">${
      escapeXml(chart.title)
    }</text>`,
  );
  // Grid lines and axis labels.
  const ticks = chart.log
    ? Array.from(
      { length: Math.round(Math.log10(logMax / logMin)) + 1 },
      (_, i) => logMin * 10 ** i,
    )
    : [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  for (const t of ticks) {
    const x = left + scale(Math.max(t, chart.log ? logMin : 0));
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${top - 6}" x2="${x.toFixed(1)}" y2="${
        top + plotH + 4
      }" stroke="#e3e6eb"/>`,
      `<text x="${x.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" fill="#5b6270">${
        escapeXml(label(t))
      }</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW}" y="${top + plotH + 18}" dx="8" fill="#5b6270">${
      escapeXml(chart.unit)
    }${chart.log ? " (log)" : ""}</text>`,
  );
  chart.categories.forEach((category, ci) => {
    const gy = top + ci * (groupH + groupGap);
    out.push(
      `<text x="${left - 10}" y="${gy + groupH / 2 + 4}" text-anchor="end" fill="#1d2330">${
        escapeXml(category)
      }</text>`,
    );
    chart.series.forEach((s, si) => {
      const v = s.values[ci];
      const y = gy + si * (barH + gap);
      if (v === null || !Number.isFinite(v)) {
        out.push(`<text x="${left + 4}" y="${y + barH - 4}" fill="#8a8f98">n/a</text>`);
        return;
      }
      const w = Math.max(1, v > 0 ? scale(v) : 1);
      out.push(
        `<rect x="${left}" y="${y}" width="${
          w.toFixed(1)
        }" height="${barH}" rx="2" fill="${s.color}"><title>${
          escapeXml(`${s.name}: ${label(v)} ${chart.unit}`)
        }</title></rect>`,
        `<text x="${(left + w + 5).toFixed(1)}" y="${y + barH - 4}" fill="#1d2330">${
          escapeXml(label(v))
        }</text>`,
      );
    });
  });
  let lx = left;
  for (const s of chart.series) {
    out.push(
      `<rect x="${lx}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${s.color}"/>`,
      `<text x="${lx + 17}" y="${legendY}" fill="#1d2330">${escapeXml(s.name)}</text>`,
    );
    lx += 30 + s.name.length * 7;
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
