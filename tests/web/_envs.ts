// Test environments for the web interface's browser tests: one whose action
// uses every kind of field the form supports, and a tic-tac-toe game with a
// custom board view.
import {
  ActionSchema,
  Environment,
  type Observation,
  ObservationSchema,
  type State,
} from "@openenv/core";
import type { WebViewOptions } from "@openenv/core/server";
import { z } from "zod";

/** An action with every field kind the generated form handles. */
export const KitchenSinkAction = ActionSchema.extend({
  // The refinement is not in the JSON Schema: only the server knows it.
  name: z.string().min(1).max(20).refine((s) => s !== "forbidden", "That name is reserved")
    .describe("Who is acting"),
  count: z.number().int().min(0).max(10).describe("How many times"),
  ratio: z.number().gt(0).lt(1).optional(),
  flag: z.boolean().default(false),
  color: z.enum(["red", "green", "blue"]),
  tags: z.array(z.string()).max(3),
  point: z.object({ x: z.number(), y: z.number() }),
  note: z.string().nullable(),
  extra: z.record(z.string(), z.number()).optional(),
  move: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("walk"), speed: z.number().min(0) }),
    z.object({ kind: z.literal("jump"), height: z.number().int() }),
  ]),
  options: z.object({ verbose: z.boolean() }).optional(),
});

/** Sends back the action it received. */
export class KitchenSinkEnvironment extends Environment {
  #state: State = { episode_id: null, step_count: 0 };

  reset(options: { episodeId?: string }): Observation {
    this.#state = { episode_id: options.episodeId ?? crypto.randomUUID(), step_count: 0 };
    return { done: false, reward: null, metadata: {}, received: null } as Observation;
  }

  step(action: Record<string, unknown>): Observation {
    this.#state.step_count++;
    const { metadata: _, ...received } = action;
    return { done: false, reward: 1, metadata: {}, received } as Observation;
  }

  get state(): State {
    return { ...this.#state };
  }
}

/** A tic-tac-toe move: the player (X) marks a cell; O answers at once. */
export const MoveAction = ActionSchema.extend({
  row: z.number().int().min(0).max(2).describe("Row, from the top"),
  col: z.number().int().min(0).max(2).describe("Column, from the left"),
});

/** The board after a move. */
export const BoardObservation = ObservationSchema.extend({
  board: z.array(z.array(z.enum(["", "X", "O"]))),
  winner: z.enum(["", "X", "O", "draw"]),
  message: z.string(),
});

type Cell = "" | "X" | "O";

/** Tic-tac-toe against a player who takes the first free cell. */
export class TicTacToeEnvironment extends Environment<z.infer<typeof MoveAction>> {
  #board: Cell[][] = [["", "", ""], ["", "", ""], ["", "", ""]];
  #winner: "" | "X" | "O" | "draw" = "";
  #state: State = { episode_id: null, step_count: 0 };

  #observation(message: string, reward: number | null): Observation {
    return {
      board: this.#board.map((row) => [...row]),
      winner: this.#winner,
      message,
      done: this.#winner !== "",
      reward,
      metadata: {},
    } as Observation;
  }

  #decide(): void {
    const b = this.#board;
    const lines = [
      ...[0, 1, 2].map((i) => [b[i][0], b[i][1], b[i][2]]),
      ...[0, 1, 2].map((i) => [b[0][i], b[1][i], b[2][i]]),
      [b[0][0], b[1][1], b[2][2]],
      [b[0][2], b[1][1], b[2][0]],
    ];
    for (const line of lines) {
      if (line[0] !== "" && line[0] === line[1] && line[1] === line[2]) {
        this.#winner = line[0];
        return;
      }
    }
    if (b.every((row) => row.every((cell) => cell !== ""))) this.#winner = "draw";
  }

  reset(options: { episodeId?: string }): Observation {
    this.#board = [["", "", ""], ["", "", ""], ["", "", ""]];
    this.#winner = "";
    this.#state = { episode_id: options.episodeId ?? crypto.randomUUID(), step_count: 0 };
    return this.#observation("Your move: you are X.", null);
  }

  step(action: z.infer<typeof MoveAction>): Observation {
    this.#state.step_count++;
    if (this.#winner !== "") return this.#observation("The game is over: reset.", 0);
    if (this.#board[action.row][action.col] !== "") {
      return this.#observation("That cell is taken.", -1);
    }
    this.#board[action.row][action.col] = "X";
    this.#decide();
    if (this.#winner === "") {
      const free = this.#board.flat().indexOf("");
      this.#board[Math.floor(free / 3)][free % 3] = "O";
      this.#decide();
    }
    const winner: string = this.#winner;
    const reward = winner === "X" ? 1 : winner === "O" ? -1 : 0;
    return this.#observation(winner ? `Game over: ${winner}.` : "Your move.", reward);
  }

  get state(): State {
    return { ...this.#state };
  }
}

/** The board as a grid of buttons; clicking a free cell plays there. */
export const boardView: WebViewOptions = {
  script: `
export function render(observation, container, context) {
  const { h } = context;
  const grid = h("div", {
    role: "grid",
    "aria-label": "Tic-tac-toe board",
    style: "display:grid;grid-template-columns:repeat(3,3.4rem);gap:4px",
  });
  observation.board.forEach((row, r) => {
    const line = h("div", { role: "row", style: "display:contents" });
    row.forEach((cell, c) => {
      const button = h("button", {
        type: "button",
        role: "gridcell",
        "data-cell": r + "-" + c,
        "aria-label": "Row " + (r + 1) + ", column " + (c + 1) + ": " + (cell || "empty"),
        disabled: cell !== "" || context.done,
        style: "height:3.4rem;font-size:1.6rem;font-weight:bold",
        text: cell || " ",
        onclick: () => context.step({ row: r, col: c }).catch(() => {}),
      });
      line.append(button);
    });
    grid.append(line);
  });
  const status = h("p", { class: "ttt-message", text: observation.message });
  container.replaceChildren(grid, status);
}
`,
};
