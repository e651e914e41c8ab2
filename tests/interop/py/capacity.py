"""Capacity through the official client, against a server that allows one
session: the second client gets CAPACITY_REACHED, and once the first client
leaves, a new client is served.

Usage: python capacity.py BASE_URL
"""

import asyncio

from openenv.core import GenericEnvClient

from _common import base_url, emit, version


async def main_async(url: str) -> dict:
    first = GenericEnvClient(base_url=url)
    await first.connect()
    first_reset = await first.reset(episode_id="first")
    second_error = None
    second_error_type = None
    second = GenericEnvClient(base_url=url)
    try:
        await second.reset()
    except Exception as error:  # the client's RuntimeError, reported by type
        second_error = str(error)
        second_error_type = type(error).__name__
    finally:
        await second.close()
    first_step = await first.step({"message": "still mine"})
    await first.close()
    # The slot is freed when the server sees the close; retry briefly.
    third_step = None
    for _ in range(50):
        try:
            async with GenericEnvClient(base_url=url) as third:
                await third.reset()
                third_step = (await third.step({"message": "third"})).observation
            break
        except RuntimeError as error:
            if "CAPACITY_REACHED" not in str(error):
                raise
            await asyncio.sleep(0.1)
    return {
        "first_reset": first_reset.observation,
        "second_error": second_error,
        "second_error_type": second_error_type,
        "first_step": first_step.observation,
        "third_step": third_step,
    }


def main() -> None:
    emit({"version": version(), **asyncio.run(main_async(base_url()))})


if __name__ == "__main__":
    main()
