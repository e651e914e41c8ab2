/**
 * Wire models of the echo environment.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { type McpAction, McpObservation, withMcpActions } from "@openenv/core/mcp";
import { z } from "zod";

/** An echo action: the message to send back. */
export const EchoAction: z.ZodObject<
  typeof ActionSchema.shape & { message: z.ZodString },
  z.core.$strict
> = ActionSchema.extend({
  message: z.string().describe("Message to echo back"),
}).describe("Action for the echo environment: a message to echo back.");

/** A value of {@linkcode EchoAction}. */
export type EchoAction = z.infer<typeof EchoAction>;

/** An echo observation: the echoed message and its length. */
export const EchoObservation: z.ZodObject<
  typeof ObservationSchema.shape & {
    echoed_message: z.ZodDefault<z.ZodString>;
    message_length: z.ZodDefault<z.ZodNumber>;
  },
  z.core.$strict
> = ObservationSchema.extend({
  echoed_message: z.string().default("").describe("The echoed message"),
  message_length: z.number().int().min(0).default(0).describe("Length of the echoed message"),
}).describe("Observation from the echo environment: the echoed message.");

/** A value of {@linkcode EchoObservation}. */
export type EchoObservation = z.infer<typeof EchoObservation>;

/** State of the echo environment: the base state. */
export const EchoState: typeof StateSchema = StateSchema;

/** A value of {@linkcode EchoState}. */
export type EchoState = z.infer<typeof EchoState>;

/**
 * Every action the echo server takes: the classic {@linkcode EchoAction}
 * (`{"message": …}`) or a tool action (`{"type": "list_tools"}`,
 * `{"type": "call_tool", "tool_name": …, "arguments": {…}}`).
 */
export const EchoAnyAction: z.ZodUnion<[typeof EchoAction, typeof McpAction]> = withMcpActions(
  EchoAction,
);

/** A value of {@linkcode EchoAnyAction}. */
export type EchoAnyAction = z.infer<typeof EchoAnyAction>;

/** Every observation the echo server sends: an echo or a tool observation. */
export const EchoAnyObservation: z.ZodUnion<[typeof EchoObservation, typeof McpObservation]> = z
  .union([EchoObservation, McpObservation]);
