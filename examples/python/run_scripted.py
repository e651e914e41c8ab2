"""Drives the trainer-side examples against a running server with a scripted policy.

Usage: python run_scripted.py <echo|chess|coding> <base_url>
Prints one JSON document with what happened, for the test to check.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

kind, url = sys.argv[1], sys.argv[2]
os.environ["OPENENV_BASE_URL"] = url

import trl_environment_factory as f  # noqa: E402
from grpo_rollout import make_rollout_func  # noqa: E402

out = {"kind": kind}

if kind == "echo":
    # environment_factory: one instance per rollout, tools called by "the model".
    envs = [f.EchoToolEnv() for _ in range(3)]
    prompts = [env.reset(seed=i) for i, env in enumerate(envs)]
    replies = [env.echo("hi" * (i + 1)) for i, env in enumerate(envs)]
    out["prompts"] = prompts
    out["replies"] = replies
    out["rewards"] = f.echo_reward(envs)
    for env in envs:
        env.close()
    # rollout_func: groups of parallel episodes per prompt.
    rollout = make_rollout_func(
        lambda prompt, obs, turn: (f"say {prompt}", {"message": prompt}), group_size=4, max_turns=2
    )
    batch = rollout(["abc", "hello"])
    out["rollout"] = {k: v if k == "env_reward" else [len(x) for x in v] for k, v in batch.items()}
elif kind == "chess":
    env = f.ChessToolEnv()
    out["prompt"] = env.reset(seed=1)
    out["first"] = env.move("e2e4")
    out["illegal"] = env.move("e2e5")
    out["rewards"] = f.chess_reward([env])
    out["steps"] = env.steps
    env.close()
elif kind == "coding":
    env = f.CodingToolEnv()
    out["prompt"] = env.reset()
    out["first"] = env.run_python("x = 6 * 7\nprint(x)")
    out["second"] = env.run_python("print(x + 1)")
    out["error"] = env.run_python("1/0")
    out["rewards"] = f.coding_reward([env])
    out["steps"] = env.steps
    env.close()
else:
    raise SystemExit(f"unknown kind {kind!r}")

print(json.dumps(out))
