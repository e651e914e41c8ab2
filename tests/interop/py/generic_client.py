"""Drives the echo server with the official GenericEnvClient, async and sync.

Usage: python generic_client.py BASE_URL
Prints the values the client read, for the Deno test to assert.
"""

import asyncio

from openenv.core import GenericEnvClient

from _common import base_url, emit, version


def result_dict(result) -> dict:
    return {
        "observation": result.observation,
        "reward": result.reward,
        "done": result.done,
        "reward_type": type(result.reward).__name__,
    }


async def run_async(url: str) -> dict:
    async with GenericEnvClient(base_url=url) as env:
        reset = await env.reset(seed=7, episode_id="interop-async")
        first = await env.step({"message": "hello"})
        second = await env.step({"message": "hi there"})
        state = await env.state()
    return {
        "reset": result_dict(reset),
        "steps": [result_dict(first), result_dict(second)],
        "state": state,
    }


def run_sync(url: str) -> dict:
    with GenericEnvClient(base_url=url).sync() as env:
        reset = env.reset(episode_id="interop-sync")
        step = env.step({"message": "sync"})
        state = env.state()
    return {"reset": result_dict(reset), "steps": [result_dict(step)], "state": state}


def main() -> None:
    url = base_url()
    emit({
        "version": version(),
        "async": asyncio.run(run_async(url)),
        "sync": run_sync(url),
    })


if __name__ == "__main__":
    main()
