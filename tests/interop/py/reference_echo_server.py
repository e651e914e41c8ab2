"""A small echo environment served by the official Python OpenEnv server.

Used by client/reference_server_test.ts: our TypeScript EnvClient drives the
reference implementation (openenv.core.env_server.create_app on uvicorn).

It binds 127.0.0.1 on a free port, prints one JSON line {"port": N} on
stdout, then serves until killed.

Behaviour: reset(seed, episode_id) -> echoed_message "ready" (plus the seed),
step({"message": m}) -> echoed m, length, reward 0.1 per character, done when
m == "bye"; the message "fail" raises (EXECUTION_ERROR).

Usage: <venv>/bin/python reference_echo_server.py [--max-concurrent-envs N]
"""

import argparse
import json
import socket
import sys
from typing import Any, Optional
from uuid import uuid4

import uvicorn
from pydantic import Field

from openenv.core.env_server import create_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, Observation, State


class RefEchoAction(Action):
    message: str = Field(description="Message to echo back")


class RefEchoObservation(Observation):
    echoed_message: str = Field(default="")
    message_length: int = Field(default=0)


class RefEchoEnvironment(Environment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._state = State(episode_id=str(uuid4()), step_count=0)

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        **kwargs: Any,
    ) -> RefEchoObservation:
        self._state = State(episode_id=episode_id or str(uuid4()), step_count=0)
        text = "ready" if seed is None else f"ready seed={seed}"
        return RefEchoObservation(echoed_message=text, message_length=0, reward=0.0)

    def step(self, action: RefEchoAction, timeout_s=None, **kwargs: Any) -> RefEchoObservation:
        if action.message == "fail":
            raise ValueError("the reference environment failed on purpose")
        self._state.step_count += 1
        return RefEchoObservation(
            echoed_message=action.message,
            message_length=len(action.message),
            reward=len(action.message) * 0.1,
            done=action.message == "bye",
            metadata={"dropped": "by the reference"},
        )

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-concurrent-envs", type=int, default=1)
    args = parser.parse_args()
    app = create_app(
        RefEchoEnvironment,
        RefEchoAction,
        RefEchoObservation,
        env_name="ref_echo",
        max_concurrent_envs=args.max_concurrent_envs,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws_ping_interval=20, ws_ping_timeout=20)
    server = uvicorn.Server(config)
    print(json.dumps({"port": port}), flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
