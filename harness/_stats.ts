// Internal: confidence intervals for evaluation reports.

/** Two-sided 95% Student t critical values for 1..30 degrees of freedom. */
const T95 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/** Mean and a 95% t-interval of the mean. */
export function meanInterval(xs: number[]): { mean: number; low: number; high: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean };
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const t = n - 1 <= 30 ? T95[n - 2] : 1.96;
  const half = t * sd / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}

/** A proportion and its 95% Wilson score interval. */
export function wilsonInterval(
  successes: number,
  n: number,
): { rate: number; low: number; high: number } {
  if (n === 0) return { rate: NaN, low: NaN, high: NaN };
  const z = 1.959964;
  const p = successes / n;
  const denom = 1 + z * z / n;
  const centre = (p + z * z / (2 * n)) / denom;
  const half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
