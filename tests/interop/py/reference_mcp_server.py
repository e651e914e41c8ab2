"""An MCP tool environment served by the official Python OpenEnv server.

Used by client/mcp_tool_client_test.ts: our MCPToolClient against the
reference implementation (MCPEnvironment + FastMCP tools, create_app with
CallToolAction/CallToolObservation, on uvicorn).

Tools: echo_message(message) -> str, echo_with_length(message) -> dict,
add(a, b) -> int. Binds 127.0.0.1 on a free port, prints one JSON line
{"port": N} on stdout, then serves until killed.
"""

import json
import socket
import sys
from typing import Any, Optional
from uuid import uuid4

import uvicorn
from fastmcp import FastMCP

from openenv.core.env_server import create_app
from openenv.core.env_server.mcp_environment import MCPEnvironment
from openenv.core.env_server.mcp_types import CallToolAction, CallToolObservation
from openenv.core.env_server.types import Action, Observation, State


class RefToolEnvironment(MCPEnvironment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        mcp = FastMCP("ref_tools")

        @mcp.tool
        def echo_message(message: str) -> str:
            """Echo back the provided message."""
            return message

        @mcp.tool
        def echo_with_length(message: str) -> dict:
            """Echo back the message with its length."""
            return {"message": message, "length": len(message)}

        @mcp.tool
        def add(a: int, b: int) -> int:
            """Add two integers."""
            return a + b

        super().__init__(mcp)
        self._state = State(episode_id=str(uuid4()), step_count=0)

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any) -> Observation:
        self._state = State(episode_id=episode_id or str(uuid4()), step_count=0)
        return Observation(done=False, reward=0.0)

    def _step_impl(self, action: Action, timeout_s: Optional[float] = None, **kwargs: Any) -> Observation:
        return Observation(done=False, reward=0.0)

    async def step_async(self, action: Action, timeout_s: Optional[float] = None, **kwargs: Any) -> Observation:
        self._state.step_count += 1
        return await super().step_async(action, timeout_s=timeout_s, **kwargs)

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    app = create_app(
        RefToolEnvironment, CallToolAction, CallToolObservation, env_name="ref_tools", max_concurrent_envs=4
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    print(json.dumps({"port": port}), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    sys.exit(main())
