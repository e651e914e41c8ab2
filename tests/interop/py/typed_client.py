"""Drives the echo server with a typed EnvClient subclass (echo_client.py),
async and through .sync(). Asserts the Python types here and prints the
values for the Deno test to assert.

Usage: python typed_client.py BASE_URL
"""

import asyncio

from openenv.core.client_types import StepResult
from openenv.core.env_server.types import State

from _common import base_url, emit, version
from echo_client import EchoAction, EchoEnv, EchoObservation

MESSAGES = ["hello", "typed client", ""]


def check_result(result) -> dict:
    assert isinstance(result, StepResult), type(result)
    obs = result.observation
    assert isinstance(obs, EchoObservation), type(obs)
    return {
        "echoed_message": obs.echoed_message,
        "message_length": obs.message_length,
        "obs_reward": obs.reward,
        "obs_done": obs.done,
        "obs_metadata": obs.metadata,
        "reward": result.reward,
        "done": result.done,
    }


def check_state(state) -> dict:
    assert isinstance(state, State), type(state)
    return {"episode_id": state.episode_id, "step_count": state.step_count}


async def run_async(url: str) -> dict:
    async with EchoEnv(base_url=url) as env:
        reset = await env.reset(episode_id="typed-async", seed=3)
        steps = [await env.step(EchoAction(message=m)) for m in MESSAGES]
        state = await env.state()
        again = await env.reset()
        state_after_reset = await env.state()
    return {
        "reset": check_result(reset),
        "steps": [check_result(s) for s in steps],
        "state": check_state(state),
        "second_reset": check_result(again),
        "state_after_reset": check_state(state_after_reset),
    }


def run_sync(url: str) -> dict:
    with EchoEnv(base_url=url).sync() as env:
        reset = env.reset(episode_id="typed-sync")
        steps = [env.step(EchoAction(message=m)) for m in MESSAGES]
        state = env.state()
    return {
        "reset": check_result(reset),
        "steps": [check_result(s) for s in steps],
        "state": check_state(state),
    }


def main() -> None:
    url = base_url()
    emit({
        "version": version(),
        "messages": MESSAGES,
        "async": asyncio.run(run_async(url)),
        "sync": run_sync(url),
    })


if __name__ == "__main__":
    main()
