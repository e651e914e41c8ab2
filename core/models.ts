/**
 * The wire models every environment builds on: {@linkcode Action},
 * {@linkcode Observation} and {@linkcode State}, as zod schemas.
 *
 * Field names are the wire names (snake_case where the protocol says so),
 * because they travel unchanged to Python clients.
 *
 * @module
 */
import { z } from "zod";

/** Free-form metadata carried by actions and observations. */
export const MetadataSchema: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnknown>> = z
  .record(z.string(), z.unknown())
  .default({});

/**
 * Base action schema: an object that forbids unknown keys and accepts
 * `metadata`. Extend it with your own fields.
 *
 * @example Define an action
 * ```ts
 * import { ActionSchema } from "@openenv/core";
 * import { z } from "zod";
 *
 * const MoveAction = ActionSchema.extend({ direction: z.enum(["left", "right"]) });
 * MoveAction.parse({ direction: "left" });
 * ```
 */
export const ActionSchema: z.ZodObject<{ metadata: typeof MetadataSchema }, z.core.$strict> = z
  .strictObject({ metadata: MetadataSchema })
  .describe("Base class for all environment actions.");

/** A value of the base action schema. */
export type Action = z.infer<typeof ActionSchema>;

/** Reward as the protocol types it: a number, a boolean or null. */
export const RewardSchema: z.ZodDefault<
  z.ZodUnion<readonly [z.ZodBoolean, z.ZodNumber, z.ZodNull]>
> = z
  .union([z.boolean(), z.number(), z.null()])
  .default(null)
  .describe("Reward signal from the last action");

/**
 * Base observation schema: `done`, `reward` and `metadata`, unknown keys
 * forbidden. Extend it with your own fields.
 *
 * @example Define an observation
 * ```ts
 * import { ObservationSchema } from "@openenv/core";
 * import { z } from "zod";
 *
 * const BoardObservation = ObservationSchema.extend({ board: z.string() });
 * const obs = BoardObservation.parse({ board: "..." });
 * console.log(obs.done, obs.reward); // false null
 * ```
 */
export const ObservationSchema: z.ZodObject<{
  done: z.ZodDefault<z.ZodBoolean>;
  reward: typeof RewardSchema;
  metadata: typeof MetadataSchema;
}, z.core.$strict> = z
  .strictObject({
    done: z.boolean().default(false).describe("Whether the episode has terminated"),
    reward: RewardSchema,
    metadata: MetadataSchema,
  })
  .describe("Base class for all environment observations.");

/** A value of the base observation schema. */
export type Observation = z.infer<typeof ObservationSchema>;

/**
 * Base state schema: `episode_id` and `step_count`; unknown keys are kept.
 *
 * @example Define a state
 * ```ts
 * import { StateSchema } from "@openenv/core";
 * import { z } from "zod";
 *
 * const GameState = StateSchema.extend({ score: z.number().default(0) });
 * GameState.parse({ episode_id: "e1", step_count: 3 }).score; // 0
 * ```
 */
export const StateSchema: z.ZodObject<{
  episode_id: z.ZodDefault<z.ZodNullable<z.ZodString>>;
  step_count: z.ZodDefault<z.ZodNumber>;
}, z.core.$loose> = z
  .looseObject({
    episode_id: z.string().nullable().default(null).describe(
      "Unique identifier for the current episode",
    ),
    step_count: z.number().int().min(0).default(0).describe(
      "Number of steps taken in the current episode",
    ),
  })
  .describe("Base class for environment state.");

/** A value of the base state schema. */
export type State = z.infer<typeof StateSchema>;

/** Any zod schema that describes an object (actions, observations, state). */
export type ObjectSchema = z.ZodType<Record<string, unknown>>;

/**
 * Metadata about an environment, served at `GET /metadata`.
 *
 * Property names are camelCase here; on the wire they are snake_case
 * (`readme_content`, `documentation_url`).
 */
export interface EnvironmentMetadata {
  /** Environment name, by default the class name. */
  name: string;
  /** One-line description, by default `"<name> environment"`. */
  description: string;
  /** README text (Markdown), if any. */
  readmeContent?: string | null;
  /** Version of the environment. @default {"1.0.0"} */
  version?: string | null;
  /** Author, if known. */
  author?: string | null;
  /** Where the documentation lives. */
  documentationUrl?: string | null;
}

/**
 * The result of a `reset` or `step` as the protocol carries it: the
 * observation without `reward`, `done` (hoisted to the top level) and, unless
 * empty, with `metadata` kept.
 */
export interface StepPayload {
  /** Observation fields other than `reward` and `done`. */
  observation: Record<string, unknown>;
  /** The reward of the step, if any. */
  reward: number | boolean | null;
  /** Whether the episode is over. */
  done: boolean;
}

/**
 * Turns an observation into the `{observation, reward, done}` payload used by
 * `/reset`, `/step` and `/ws`.
 *
 * Unlike the Python reference, a non-empty `metadata` is kept inside
 * `observation` (the reference drops it); empty metadata is omitted so the
 * common case is byte-identical to the reference.
 *
 * @example Serialize an observation
 * ```ts
 * import { toStepPayload } from "@openenv/core";
 *
 * const payload = toStepPayload({ done: false, reward: 1, metadata: {}, text: "hi" });
 * // { observation: { text: "hi" }, reward: 1, done: false }
 * ```
 */
export function toStepPayload(observation: Record<string, unknown>): StepPayload {
  const { reward, done, metadata, ...rest } = observation;
  const fields: Record<string, unknown> = rest;
  if (
    metadata !== null && typeof metadata === "object" && Object.keys(metadata).length > 0
  ) {
    fields.metadata = metadata;
  }
  return {
    observation: fields,
    reward: typeof reward === "number" || typeof reward === "boolean" ? reward : null,
    done: done === true,
  };
}
