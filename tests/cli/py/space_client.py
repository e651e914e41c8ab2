"""Drives a server with the Python client package that `openenv push`
generated, through the official OpenEnv classes, and finds it with
AutoEnv discovery. Prints one JSON document.

Usage: python space_client.py MODULE BASE_URL
"""

import importlib
import json
import sys

module_name, url = sys.argv[1], sys.argv[2]
package = importlib.import_module(module_name)
prefix = [n for n in package.__all__ if n.endswith("Env")][0][: -len("Env")]
Env = getattr(package, f"{prefix}Env")
Action = getattr(package, f"{prefix}Action")

from openenv.core.env_client import EnvClient  # noqa: E402
from openenv import AutoEnv  # noqa: E402

with Env(base_url=url).sync() as env:
    first = env.reset()
    step = env.step(Action(message="hello"))
    state = env.state()

discovered = AutoEnv.get_env_class(module_name)
json.dump(
    {
        "is_env_client": issubclass(Env, EnvClient),
        "reset_done": first.done,
        "echoed": step.observation.echoed_message,
        "length": step.observation.message_length,
        "reward": step.reward,
        "step_count": state.step_count,
        "observation_type": type(step.observation).__name__,
        "discovered": f"{discovered.__module__}.{discovered.__name__}",
    },
    sys.stdout,
)
