"""A GRPO-style ``rollout_func(prompts, trainer)`` over the official Python client.

For each prompt it runs a group of episodes in parallel threads (one OpenEnv
session each, as GRPO's group sampling needs), asks a policy for actions, and
returns the shape TRL's older OpenEnv integration expects: ``prompt_ids``,
``completion_ids``, ``logprobs`` and an extra reward field ``env_reward``.
The policy is pluggable: a trainer passes its generation function; the test
passes a scripted one.
"""
import os
from concurrent.futures import ThreadPoolExecutor

from openenv.core import GenericEnvClient


def _encode(text: str) -> list:
    """Stand-in tokenizer (UTF-8 bytes) so the output has the trainer's shape."""
    return list(text.encode("utf-8"))


def make_rollout_func(policy, group_size: int = 4, max_turns: int = 3, base_url: str | None = None):
    """Builds ``rollout_func(prompts, trainer)``.

    ``policy(prompt, observation, turn) -> (completion_text, action_dict)``.
    """
    url = base_url or os.environ.get("OPENENV_BASE_URL", "http://localhost:8000")

    def episode(prompt: str, seed: int):
        with GenericEnvClient(base_url=url).sync() as env:
            result = env.reset(seed=seed)
            total, completion = 0.0, ""
            for turn in range(max_turns):
                text, action = policy(prompt, result.observation, turn)
                completion += text
                result = env.step(action)
                total += float(result.reward or 0.0)
                if result.done:
                    break
            return {
                "prompt_ids": _encode(prompt),
                "completion_ids": _encode(completion),
                "logprobs": [0.0] * len(_encode(completion)),
                "env_reward": total,
            }

    def rollout_func(prompts, trainer=None):
        jobs = [(p, i) for p in prompts for i in range(group_size)]
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            episodes = list(pool.map(lambda job: episode(*job), jobs))
        return {key: [e[key] for e in episodes] for key in ("prompt_ids", "completion_ids", "logprobs", "env_reward")}

    return rollout_func
