"""Error handling seen through the official client: invalid actions raise the
client's RuntimeError with VALIDATION_ERROR and the session keeps working.

Usage: python errors.py BASE_URL
"""

import asyncio

from openenv.core import GenericEnvClient

from _common import base_url, emit, version

INVALID_ACTIONS = [
    {"message": 123},  # wrong type
    {"text": "hello"},  # missing field, extra field
    {},  # missing field
]


async def main_async(url: str) -> dict:
    errors = []
    async with GenericEnvClient(base_url=url) as env:
        await env.reset(episode_id="errors")
        before = await env.step({"message": "ok"})
        for action in INVALID_ACTIONS:
            try:
                await env.step(action)
            except RuntimeError as error:
                errors.append({"action": action, "error": str(error), "type": "RuntimeError"})
            else:
                errors.append({"action": action, "error": None, "type": None})
        after = await env.step({"message": "still here"})
        state = await env.state()
    return {
        "errors": errors,
        "before": {"observation": before.observation, "reward": before.reward},
        "after": {"observation": after.observation, "reward": after.reward},
        "state": state,
    }


def main() -> None:
    emit({"version": version(), **asyncio.run(main_async(base_url()))})


if __name__ == "__main__":
    main()
