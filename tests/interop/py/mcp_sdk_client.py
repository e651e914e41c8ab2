"""The official Python MCP SDK (PyPI `mcp`, a dependency of openenv) connects
to our server's Streamable HTTP endpoint, lists the echo tools and calls them.

Usage: mcp_sdk_client.py BASE_URL PATH   (PATH is /mcp or /mcp/stream)
Prints one JSON document.
"""

import asyncio
import sys

from _common import base_url, emit
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

URL = base_url() + (sys.argv[2] if len(sys.argv) > 2 else "/mcp")


def texts(result) -> list:
    return [getattr(c, "text", None) for c in result.content]


async def main() -> dict:
    from importlib.metadata import version

    async with streamable_http_client(URL) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            echoed = await session.call_tool("echo_message", {"message": "héllo"})
            sized = await session.call_tool("echo_with_length", {"message": "four"})
            bad = await session.call_tool("echo_message", {"message": 1})
            try:
                await session.call_tool("nope", {})
                unknown = None
            except Exception as e:  # McpError
                unknown = {"type": type(e).__name__, "message": str(e)}
            return {
                "mcp_version": version("mcp"),
                "server": init.server_info.name,
                "tools": [
                    {"name": t.name, "description": t.description, "required": t.input_schema.get("required")}
                    for t in tools.tools
                ],
                "echoed": {"text": texts(echoed), "is_error": echoed.is_error},
                "sized": {"structured": sized.structured_content, "is_error": sized.is_error},
                "bad": {"text": texts(bad), "is_error": bad.is_error},
                "unknown": unknown,
            }


emit(asyncio.run(main()))
