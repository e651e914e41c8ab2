"""The official Python OpenEnv server (openenv.core's create_app, FastAPI and
uvicorn) with an echo environment equal to ours, for the comparison benchmarks.

Usage: python echo_server.py [--max-concurrent-envs N] [--mode simulation|production]
Picks a free loopback port, prints "PORT <n>" on stdout, then serves it with
uvicorn (one worker, the default event loop and protocol implementations).
"""

import argparse
import os
import resource
import socket
import sys
from typing import Any, Optional
from uuid import uuid4

from openenv.core.env_server.http_server import create_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, Observation, State
from pydantic import Field


class EchoAction(Action):
    """A message to echo back."""

    message: str = Field(..., description="Message to echo back")


class EchoObservation(Observation):
    """The echoed message and its length."""

    echoed_message: str = Field(default="", description="The echoed message")
    message_length: int = Field(default=0, description="Length of the echoed message")


class EchoEnvironment(Environment):
    """Echoes messages back with a reward of 0.1 per character."""

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        self._state = State(episode_id=str(uuid4()), step_count=0)

    def reset(
        self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any
    ) -> EchoObservation:
        self._state = State(episode_id=episode_id or str(uuid4()), step_count=0)
        return EchoObservation(
            echoed_message="Echo environment ready!", message_length=0, done=False, reward=0.0
        )

    def step(self, action: EchoAction, timeout_s: Optional[float] = None, **kwargs: Any) -> EchoObservation:
        self._state.step_count += 1
        message = action.message
        return EchoObservation(
            echoed_message=message,
            message_length=len(message),
            done=False,
            reward=len(message) * 0.1,
            metadata={"original_message": message, "step": self._state.step_count},
        )

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-concurrent-envs", type=int, default=8192)
    parser.add_argument("--mode", default="simulation")
    args = parser.parse_args()
    os.environ["OPENENV_SERVER_MODE"] = args.mode
    # Thousands of sockets: lift the descriptor limit to the hard limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    import uvicorn

    app = create_app(
        EchoEnvironment,
        EchoAction,
        EchoObservation,
        env_name="echo_env",
        max_concurrent_envs=args.max_concurrent_envs,
    )
    # A free port: bound and released here, then taken by uvicorn's own
    # listener (uvicorn.run with host/port, the way the reference is deployed).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    print(f"PORT {port}", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", backlog=8192)


if __name__ == "__main__":
    sys.exit(main())
