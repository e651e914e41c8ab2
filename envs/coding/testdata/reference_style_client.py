"""Drives our coding server with a client written the way the reference's
coding_env client is: pydantic CodeAction/CodeObservation/CodeState, and an
observation built with CodeObservation(**observation), so any unknown
observation field would fail validation (Observation forbids extras).

Usage: python reference_style_client.py BASE_URL
Prints one JSON document.
"""

import json
import sys
from typing import Dict, Optional

from openenv.core import EnvClient
from openenv.core.client_types import StepResult
from openenv.core.env_server.types import Action, Observation, State


class CodeAction(Action):
    code: str


class CodeObservation(Observation):
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class CodeState(State):
    last_exit_code: int = 0


class CodingEnv(EnvClient[CodeAction, CodeObservation, CodeState]):
    def _step_payload(self, action: CodeAction) -> Dict:
        return {"code": action.code}

    def _parse_result(self, payload: Dict) -> StepResult[CodeObservation]:
        obs = CodeObservation(**payload["observation"])
        return StepResult(observation=obs, reward=payload.get("reward"), done=bool(payload.get("done", False)))

    def _parse_state(self, payload: Dict) -> CodeState:
        return CodeState(
            episode_id=payload.get("episode_id"),
            step_count=payload.get("step_count", 0),
            last_exit_code=payload.get("last_exit_code", 0),
        )


def result(r: StepResult) -> dict:
    o = r.observation
    assert isinstance(o, CodeObservation), type(o)
    return {"stdout": o.stdout, "stderr": o.stderr, "exit_code": o.exit_code, "reward": r.reward,
            "done": r.done, "error": o.metadata.get("error")}


def main(url: str) -> None:
    with CodingEnv(base_url=url, message_timeout_s=120).sync() as env:
        reset = env.reset()
        steps = [env.step(CodeAction(code=c)) for c in ["x = 20", "print(x + 1)\nx * 2", "1 / 0"]]
        state = env.state()
    json.dump({"reset": result(reset), "steps": [result(s) for s in steps],
               "state": {"step_count": state.step_count, "last_exit_code": state.last_exit_code}},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
