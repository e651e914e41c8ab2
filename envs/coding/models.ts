/**
 * Wire models of the coding environment. Field names and defaults match the
 * reference's `CodeAction`, `CodeObservation` and `CodeState` exactly; what
 * we add (the error line, timeout, truncation and restart flags) goes in the
 * observation's `metadata` ({@linkcode CodeMetadata}), which the reference's
 * client accepts.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { z } from "zod";

/**
 * A code action: the source to run in the session's interpreter, Python by
 * default (`language: "javascript"` runs JavaScript in the same sandbox).
 */
export const CodeAction: z.ZodObject<
  typeof ActionSchema.shape & {
    code: z.ZodString;
    language: z.ZodOptional<
      z.ZodEnum<{ python: "python"; javascript: "javascript"; typescript: "typescript" }>
    >;
  },
  z.core.$strict
> = ActionSchema.extend({
  code: z.string().describe("Code to execute (Python unless language says otherwise)"),
  language: z.enum(["python", "javascript", "typescript"]).optional().describe(
    "Language of the code: python (default), javascript or typescript (types stripped, not checked)",
  ),
}).describe("Action for the coding environment: Python (or JavaScript) code to run.");

/** A value of {@linkcode CodeAction}. */
export type CodeAction = z.infer<typeof CodeAction>;

/**
 * What the coding environment puts in an observation's `metadata`. These
 * travel in `metadata` rather than as observation fields because the
 * reference's client builds its `CodeObservation(**observation)` with
 * unknown fields forbidden.
 */
export const CodeMetadata: z.ZodObject<{
  last_code: z.ZodOptional<z.ZodString>;
  error: z.ZodDefault<z.ZodNullable<z.ZodString>>;
  timed_out: z.ZodDefault<z.ZodBoolean>;
  truncated: z.ZodDefault<z.ZodBoolean>;
  interpreter_lost: z.ZodDefault<z.ZodBoolean>;
  safety_violation: z.ZodOptional<z.ZodString>;
}, z.core.$loose> = z.looseObject({
  last_code: z.string().optional().describe("The code of the step"),
  error: z.string().nullable().default(null).describe(
    "One line naming the error (for example 'ZeroDivisionError: division by zero'), or null",
  ),
  timed_out: z.boolean().default(false).describe("The code hit the time limit and was stopped"),
  truncated: z.boolean().default(false).describe("Output went past the limit and was cut"),
  interpreter_lost: z.boolean().default(false).describe(
    "The interpreter was restarted (timeout, memory, crash): variables from earlier steps are gone",
  ),
  safety_violation: z.string().optional().describe("The dangerous pattern the code matched"),
});

/** A value of {@linkcode CodeMetadata}. */
export type CodeMetadata = z.infer<typeof CodeMetadata>;

/** The result of running one code action: the reference's three fields. */
export const CodeObservation: z.ZodObject<
  Omit<typeof ObservationSchema.shape, "metadata"> & {
    metadata: z.ZodDefault<typeof CodeMetadata>;
    stdout: z.ZodDefault<z.ZodString>;
    stderr: z.ZodDefault<z.ZodString>;
    exit_code: z.ZodDefault<z.ZodNumber>;
  },
  z.core.$strict
> = ObservationSchema.extend({
  metadata: CodeMetadata.default({
    error: null,
    timed_out: false,
    truncated: false,
    interpreter_lost: false,
  }),
  stdout: z.string().default("").describe("Standard output of the execution"),
  stderr: z.string().default("").describe(
    "Standard error of the execution, with the traceback of an uncaught exception",
  ),
  exit_code: z.number().int().default(0).describe(
    "0 on success, 1 on an uncaught exception, the SystemExit code, 124 on a timeout, 137 when memory ran out",
  ),
}).describe("Observation from the coding environment: the result of running the code.");

/** A value of {@linkcode CodeObservation}. */
export type CodeObservation = z.infer<typeof CodeObservation>;

/** State of the coding environment: the base state and the last exit code. */
export const CodeState: z.ZodObject<
  typeof StateSchema.shape & { last_exit_code: z.ZodDefault<z.ZodNumber> },
  z.core.$loose
> = StateSchema.extend({
  last_exit_code: z.number().int().default(0).describe("Exit code of the last execution"),
});

/** A value of {@linkcode CodeState}. */
export type CodeState = z.infer<typeof CodeState>;
