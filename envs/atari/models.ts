/**
 * Wire models of the Atari environment.
 *
 * @module
 */
import { ActionSchema, ObservationSchema, StateSchema } from "@openenv/core";
import { z } from "zod";

/** An Atari action: an index into the game's action set. */
export const AtariAction: z.ZodObject<
  typeof ActionSchema.shape & { action_id: z.ZodNumber },
  z.core.$strict
> = ActionSchema.extend({
  action_id: z.number().int().min(0).describe("Index into legal_actions"),
}).describe("Atari action: which action of the game's action set to play.");

/** A value of {@linkcode AtariAction}. */
export type AtariAction = z.infer<typeof AtariAction>;

/** How the screen (or RAM) travels: raw bytes in base64, a PNG in base64, or the reference's int list. */
export const ScreenEncoding: z.ZodEnum<
  { base64: "base64"; png: "png"; list: "list" }
> = z.enum([
  "base64",
  "png",
  "list",
]);

/** A value of {@linkcode ScreenEncoding}. */
export type ScreenEncoding = z.infer<typeof ScreenEncoding>;

/** Options accepted by `reset` (and their environment-variable defaults). */
export const AtariResetOptions: z.ZodObject<{
  game: z.ZodOptional<z.ZodString>;
  obs_type: z.ZodOptional<
    z.ZodEnum<{ rgb: "rgb"; grayscale: "grayscale"; ram: "ram" }>
  >;
  frameskip: z.ZodOptional<z.ZodNumber>;
  repeat_action_probability: z.ZodOptional<z.ZodNumber>;
  mode: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
  difficulty: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
  full_action_space: z.ZodOptional<z.ZodBoolean>;
  screen_encoding: z.ZodOptional<typeof ScreenEncoding>;
}> = z.object({
  game: z.string().optional(),
  obs_type: z.enum(["rgb", "grayscale", "ram"]).optional(),
  frameskip: z.number().int().min(1).max(64).optional(),
  repeat_action_probability: z.number().min(0).max(1).optional(),
  mode: z.number().int().nullable().optional(),
  difficulty: z.number().int().nullable().optional(),
  full_action_space: z.boolean().optional(),
  screen_encoding: ScreenEncoding.optional(),
});

/** An Atari observation. */
export const AtariObservation: z.ZodObject<
  typeof ObservationSchema.shape & {
    screen: z.ZodArray<z.ZodNumber>;
    screen_shape: z.ZodArray<z.ZodNumber>;
    screen_encoding: typeof ScreenEncoding;
    screen_data: z.ZodNullable<z.ZodString>;
    legal_actions: z.ZodArray<z.ZodNumber>;
    action_meanings: z.ZodArray<z.ZodString>;
    lives: z.ZodNumber;
    episode_frame_number: z.ZodNumber;
    frame_number: z.ZodNumber;
    game_name: z.ZodString;
  },
  z.core.$strict
> = ObservationSchema.extend({
  screen: z.array(z.number().int()).describe(
    "Flattened screen or RAM as ints, only with screen_encoding 'list' (the reference's form)",
  ),
  screen_shape: z.array(z.number().int()),
  screen_encoding: ScreenEncoding,
  screen_data: z.string().nullable().describe(
    "base64 of the raw bytes ('base64') or of a PNG ('png'); null with 'list'",
  ),
  legal_actions: z.array(z.number().int()),
  action_meanings: z.array(z.string()),
  lives: z.number().int(),
  episode_frame_number: z.number().int(),
  frame_number: z.number().int(),
  game_name: z.string(),
}).describe("Atari observation: the screen, lives and frame counters.");

/** A value of {@linkcode AtariObservation}. */
export type AtariObservation = z.infer<typeof AtariObservation>;

/** State of the Atari environment. */
export const AtariState: z.ZodObject<
  typeof StateSchema.shape & {
    game_name: z.ZodString;
    obs_type: z.ZodString;
    frameskip: z.ZodNumber;
    repeat_action_probability: z.ZodNumber;
    full_action_space: z.ZodBoolean;
    mode: z.ZodNullable<z.ZodNumber>;
    difficulty: z.ZodNullable<z.ZodNumber>;
  },
  z.core.$loose
> = StateSchema.extend({
  game_name: z.string(),
  obs_type: z.string(),
  frameskip: z.number().int(),
  repeat_action_probability: z.number(),
  full_action_space: z.boolean(),
  mode: z.number().int().nullable(),
  difficulty: z.number().int().nullable(),
});

/** A value of {@linkcode AtariState}. */
export type AtariState = z.infer<typeof AtariState>;
