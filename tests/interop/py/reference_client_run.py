"""Runs a fixed episode with the official Python GenericEnvClient and prints
what it got as one JSON object, so client/reference_server_test.ts can check
that our TypeScript EnvClient gets the same values from the same server.

Usage: <venv>/bin/python reference_client_run.py <base_url>
"""

import json
import sys

from openenv.core import GenericEnvClient


def main() -> None:
    base_url = sys.argv[1]
    results = []
    with GenericEnvClient(base_url=base_url).sync() as env:
        r = env.reset(seed=3, episode_id="same-episode")
        results.append({"observation": r.observation, "reward": r.reward, "done": r.done})
        for message in ["hi", "héllo wörld", "bye"]:
            r = env.step({"message": message})
            results.append({"observation": r.observation, "reward": r.reward, "done": r.done})
        state = env.state()
    print(json.dumps({"results": results, "state": state}))


if __name__ == "__main__":
    main()
