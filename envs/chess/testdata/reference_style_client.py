"""Drives our chess server with a client written the way the reference's
chess_env client is (pydantic ChessAction/ChessObservation/ChessState, the
reference's fields picked from the payload).

Usage: python reference_style_client.py BASE_URL
Prints one JSON document.
"""

import json
import sys
from typing import Dict, List, Optional

from openenv.core import EnvClient
from openenv.core.client_types import StepResult
from openenv.core.env_server.types import Action, Observation, State


class ChessAction(Action):
    move: str


class ChessObservation(Observation):
    fen: str = ""
    legal_moves: List[str] = []
    is_check: bool = False
    result: Optional[str] = None


class ChessState(State):
    fen: str = ""
    current_player: str = "white"
    move_history: List[str] = []


class ChessEnv(EnvClient[ChessAction, ChessObservation, ChessState]):
    def _step_payload(self, action: ChessAction) -> Dict:
        return {"move": action.move}

    def _parse_result(self, payload: Dict) -> StepResult[ChessObservation]:
        obs = payload.get("observation", {})
        observation = ChessObservation(
            fen=obs.get("fen", ""),
            legal_moves=obs.get("legal_moves", []),
            is_check=obs.get("is_check", False),
            result=obs.get("result"),
            done=bool(payload.get("done", False)),
            reward=payload.get("reward", 0.0),
        )
        return StepResult(observation=observation, reward=observation.reward, done=observation.done)

    def _parse_state(self, payload: Dict) -> ChessState:
        return ChessState(
            episode_id=payload.get("episode_id", ""),
            fen=payload.get("fen", ""),
            current_player=payload.get("current_player", "white"),
            move_history=payload.get("move_history", []),
            step_count=payload.get("step_count", 0),
        )


def main(url: str) -> None:
    out = {}
    with ChessEnv(base_url=url).sync() as env:
        first = env.reset(fen="rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", opponent="none")
        out["reset_moves"] = len(first.observation.legal_moves)
        last = None
        for move in ["f2f3", "e7e5", "g2g4", "d8h4"]:
            last = env.step(ChessAction(move=move))
        out["result"] = last.observation.result
        out["is_check"] = last.observation.is_check
        out["reward"] = last.reward
        out["done"] = last.done
        state = env.state()
        out["history"] = state.move_history
        out["step_count"] = state.step_count
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
