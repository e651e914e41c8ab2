/**
 * The chess board for the web interface: the position drawn from the FEN,
 * the agent's side at the bottom, last move and check highlighted; click a
 * piece, then its destination, to play (promotion picks a queen; type the
 * move in the form for another piece).
 *
 * @module
 */
import type { WebViewOptions } from "@openenv/core/server";

const script = String.raw`
const GLYPHS = { K: "♔", Q: "♕", R: "♖", B: "♗", N: "♘", P: "♙", k: "♚", q: "♛", r: "♜", b: "♝", n: "♞", p: "♟" };
const NAMES = { k: "king", q: "queen", r: "rook", b: "bishop", n: "knight", p: "pawn" };
const FILES = "abcdefgh";
let selected = null;
let lastFen = null;

function squares(fen) {
  const board = {};
  fen.split(" ")[0].split("/").forEach((row, r) => {
    let f = 0;
    for (const ch of row) {
      if (/\d/.test(ch)) f += Number(ch);
      else board[FILES[f++] + (8 - r)] = ch;
    }
  });
  return board;
}

export function render(obs, container, ctx) {
  const h = ctx.h;
  if (obs.fen !== lastFen) selected = null;
  lastFen = obs.fen;
  const board = squares(obs.fen || "8/8/8/8/8/8/8/8 w - - 0 1");
  const legal = obs.legal_moves || [];
  const flip = obs.agent_color === "black";
  const last = obs.last_move || "";
  const kingInCheck = obs.is_check
    ? Object.keys(board).find((s) => board[s] === (obs.turn === "white" ? "K" : "k"))
    : null;
  const play = (move) => {
    selected = null;
    ctx.step({ move }).catch(() => {});
  };
  const onSquare = (sq) => {
    if (selected) {
      const move = legal.find((m) => m === selected + sq) || legal.find((m) => m === selected + sq + "q");
      if (move) return play(move);
    }
    selected = legal.some((m) => m.startsWith(sq)) && selected !== sq ? sq : null;
    render(obs, container, ctx);
  };
  const grid = h("div", {
    role: "grid",
    "aria-label": "Chess board",
    class: "chess-board",
    style: "display:inline-grid;grid-template-columns:repeat(8,2.6rem);border:2px solid #444;user-select:none",
  });
  for (let i = 0; i < 8; i++) {
    const rank = flip ? i + 1 : 8 - i;
    const row = h("div", { role: "row", style: "display:contents" });
    for (let j = 0; j < 8; j++) {
      const file = flip ? FILES[7 - j] : FILES[j];
      const sq = file + rank;
      const piece = board[sq];
      const dark = (FILES.indexOf(file) + rank) % 2 === 1;
      let background = dark ? "#b58863" : "#f0d9b5";
      if (last && (last.slice(0, 2) === sq || last.slice(2, 4) === sq)) background = dark ? "#aaa23a" : "#cdd26a";
      if (sq === kingInCheck) background = "#e55";
      if (sq === selected) background = "#6a9fd8";
      const target = selected && legal.some((m) => m.startsWith(selected + sq));
      const label = sq + ": " + (piece ? (piece === piece.toUpperCase() ? "white " : "black ") + NAMES[piece.toLowerCase()] : "empty");
      row.append(h("button", {
        type: "button",
        role: "gridcell",
        "data-square": sq,
        "aria-label": label + (target ? ", legal destination" : ""),
        "aria-pressed": sq === selected ? "true" : "false",
        disabled: obs.result ? true : false,
        style: "width:2.6rem;height:2.6rem;border:0;padding:0;font-size:1.9rem;line-height:1;cursor:pointer;color:#111;background:" +
          background + (target ? ";box-shadow:inset 0 0 0 3px #2e7d32" : ""),
        text: piece ? GLYPHS[piece] : "",
        onclick: () => onSquare(sq),
      }));
    }
    grid.append(row);
  }
  const status = obs.result
    ? "Game over: " + obs.result + " (" + String(obs.termination || "").replace(/_/g, " ") + ")."
    : (obs.turn === "white" ? "White" : "Black") + " to move" + (obs.is_check ? ", in check" : "") +
      (obs.metadata && obs.metadata.opponent === "none"
        ? ". Self-play: you move both sides."
        : ". You play " + obs.agent_color + ".");
  const details = [
    h("p", { class: "chess-status", role: "status", text: status }),
    obs.opponent_move ? h("p", { class: "chess-opponent", text: "Opponent played " + obs.opponent_move + "." }) : null,
    obs.error ? h("p", { class: "chess-error", role: "alert", style: "color:#b00020", text: obs.error }) : null,
    h("p", { class: "hint", text: "FEN: " + obs.fen }),
  ];
  container.replaceChildren(h("div", { class: "chess-view" }, [grid, ...details]));
}
`;

/**
 * The board view; `createChessApp` uses it for the web interface.
 *
 * @example
 * ```ts ignore
 * import { createApp } from "@openenv/core/server";
 * import { ChessAction, ChessEnvironment, ChessObservation, chessBoardView } from "@openenv/chess";
 *
 * createApp(() => new ChessEnvironment(), {
 *   action: ChessAction,
 *   observation: ChessObservation,
 *   webView: chessBoardView,
 * });
 * ```
 */
export const chessBoardView: WebViewOptions = { script };
