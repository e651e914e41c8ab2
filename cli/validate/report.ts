/**
 * The validation report: criteria and a summary, in the same JSON shape as
 * the official `openenv validate`, so tools reading one read the other.
 *
 * @module
 */

/** One check. */
export interface Criterion {
  /** Stable id, e.g. `health_endpoint`. */
  id: string;
  /** What is checked. */
  description: string;
  /** Whether it passed. */
  passed: boolean;
  /** Whether a failure fails the validation. */
  required: boolean;
  /** What was found, for humans. */
  details?: string;
  /** What was expected. */
  expected?: unknown;
  /** What was seen. */
  actual?: unknown;
}

/** Counts over the criteria. */
export interface ReportSummary {
  /** Criteria that passed. */
  passed_count: number;
  /** All criteria. */
  total_count: number;
  /** Ids of the criteria that failed. */
  failed_criteria: string[];
  /** Required criteria that passed. */
  required_passed_count: number;
  /** Required criteria. */
  required_total_count: number;
}

/** A validation report. */
export interface ValidationReport {
  /** The folder or URL checked. */
  target: string;
  /** `local_environment` or `running_environment`. */
  validation_type: "local_environment" | "running_environment";
  /** The OpenAPI version of the server, or `local`. */
  standard_version: string;
  /** `openenv-http/1.x`, `openenv-http/unknown` or `openenv-local`. */
  standard_profile: string;
  /** `simulation` or `production` (running servers only). */
  mode?: string;
  /** Every required criterion passed. */
  passed: boolean;
  /** Counts. */
  summary: ReportSummary;
  /** The checks, in order. */
  criteria: Criterion[];
}

/** Computes the summary and verdict of a list of criteria. */
export function summarize(criteria: Criterion[]): { passed: boolean; summary: ReportSummary } {
  const required = criteria.filter((c) => c.required);
  const failed = criteria.filter((c) => !c.passed);
  return {
    passed: required.every((c) => c.passed),
    summary: {
      passed_count: criteria.length - failed.length,
      total_count: criteria.length,
      failed_criteria: failed.map((c) => c.id),
      required_passed_count: required.filter((c) => c.passed).length,
      required_total_count: required.length,
    },
  };
}

/** Human-readable report, one line per criterion. */
export function formatReport(
  report: ValidationReport,
  color: (s: string, ok: boolean | null) => string = (s) => s,
): string {
  const lines = [`Validating ${report.target}`];
  if (report.mode) lines.push(`Server mode: ${report.mode}, profile ${report.standard_profile}`);
  lines.push("");
  for (const c of report.criteria) {
    const mark = c.passed
      ? color("PASS", true)
      : c.required
      ? color("FAIL", false)
      : color("WARN", null);
    lines.push(`  ${mark}  ${c.description}${c.required ? "" : " (optional)"}`);
    if (c.details && !c.passed) lines.push(`        ${c.details}`);
  }
  const s = report.summary;
  lines.push("");
  lines.push(
    report.passed ? color(`Passed: ${s.passed_count}/${s.total_count} checks`, true) : color(
      `Failed: ${s.required_total_count - s.required_passed_count} required check(s) failed: ${
        s.failed_criteria.join(", ")
      }`,
      false,
    ),
  );
  return lines.join("\n");
}
