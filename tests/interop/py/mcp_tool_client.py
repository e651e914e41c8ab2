"""The official MCPToolClient against our echo server: the /ws step path
(sync wrapper) and the production HTTP /mcp path (async), plus the classic
echo action through GenericEnvClient on the same server.

Prints one JSON document with what each call returned.
"""

import asyncio

from _common import base_url, emit, version
from openenv.core import GenericEnvClient
from openenv.core.mcp_client import MCPToolClient

URL = base_url()


def step_path() -> dict:
    out: dict = {}
    with MCPToolClient(base_url=URL).sync() as env:
        env.reset()
        tools = env.list_tools()
        out["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.input_schema}
            for t in tools
        ]
        out["has_echo"] = env.has_tool("echo_message")
        out["has_nope"] = env.has_tool("nope")
        out["echo_message"] = env.call_tool("echo_message", message="Hello")
        out["echo_with_length"] = env.call_tool("echo_with_length", message="héllo")
        out["step_count_after_3"] = env.state().step_count
        try:
            env.call_tool("nope")
            out["unknown_tool"] = None
        except RuntimeError as e:
            out["unknown_tool"] = str(e)
        try:
            env.call_tool("echo_message")
            out["missing_argument"] = None
        except RuntimeError as e:
            out["missing_argument"] = str(e)
        env.reset()
        out["step_count_after_reset"] = env.state().step_count
    return out


async def production_path() -> dict:
    env = MCPToolClient(base_url=URL)
    env.use_production_mode = True
    tools = await env.list_tools()
    result = {
        "tools": [t.name for t in tools],
        "echo_with_length": await env.call_tool("echo_with_length", message="abc"),
        "session_id": env._production_session_id,
    }
    try:
        await env.call_tool("nope")
        result["unknown_tool"] = None
    except RuntimeError as e:
        result["unknown_tool"] = str(e)
    await env.close()
    result["session_after_close"] = env._production_session_id
    return result


def classic() -> dict:
    with GenericEnvClient(base_url=URL).sync() as env:
        env.reset()
        r = env.step({"message": "hi"})
        return {"observation": r.observation, "reward": r.reward}


emit(
    {
        "version": version(),
        "step": step_path(),
        "production": asyncio.run(production_path()),
        "classic": classic(),
    }
)
