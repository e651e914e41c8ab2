"""TRL `environment_factory` classes for environments served by OpenEnv for Deno.

TRL builds one instance per rollout (no arguments), calls ``reset(**kwargs)``
and exposes every public method with a docstring as a tool the model can call.
Reward functions receive the finished instances. Each class wraps the official
Python client (``GenericEnvClient``), so any OpenEnv server works.
"""
import os

from openenv.core import GenericEnvClient


def _base_url() -> str:
    return os.environ.get("OPENENV_BASE_URL", "http://localhost:8000")


class _ClientEnv:
    """Shared plumbing: one synchronous session per rollout."""

    def __init__(self):
        self._client = GenericEnvClient(base_url=_base_url()).sync()
        self._client.connect()
        self.reward = 0.0
        self.rewards = []
        self.done = False
        self.steps = 0

    def _step(self, action: dict) -> dict:
        result = self._client.step(action)
        reward = float(result.reward or 0.0)
        self.rewards.append(reward)
        self.reward += reward
        self.done = bool(result.done)
        self.steps += 1
        return result.observation

    def close(self):
        self._client.close()


class EchoToolEnv(_ClientEnv):
    """The echo environment: the model is rewarded for what it says."""

    def reset(self, **kwargs) -> str:
        self._client.reset(**{k: v for k, v in kwargs.items() if k in ("seed", "episode_id")})
        self.reward, self.rewards, self.done, self.steps = 0.0, [], False, 0
        return "Say something; longer messages earn more reward."

    def echo(self, message: str) -> str:
        """Send a message to the environment and hear it back.

        Args:
            message: The text to send.

        Returns:
            The echoed message.
        """
        obs = self._step({"message": message})
        return obs["echoed_message"]


class ChessToolEnv(_ClientEnv):
    """The chess environment: the model plays moves in UCI notation."""

    def reset(self, **kwargs) -> str:
        obs = self._client.reset(**kwargs).observation
        self.reward, self.rewards, self.done, self.steps = 0.0, [], False, 0
        self.last = obs
        return f"You play chess. Board (FEN): {obs.get('fen')}. Legal moves: {', '.join(obs.get('legal_moves', []))}"

    def move(self, uci: str) -> str:
        """Play a move.

        Args:
            uci: The move in UCI notation, for example e2e4.

        Returns:
            The new position and the legal moves, or why the move failed.
        """
        obs = self._step({"move": uci})
        self.last = obs
        if obs.get("error"):
            return f"Illegal move: {obs['error']}"
        return f"FEN: {obs.get('fen')}. Legal moves: {', '.join(obs.get('legal_moves', []))}. Result: {obs.get('result')}"


class CodingToolEnv(_ClientEnv):
    """The coding environment: the model runs Python in a sandbox."""

    def reset(self, **kwargs) -> str:
        self._client.reset(**kwargs)
        self.reward, self.rewards, self.done, self.steps = 0.0, [], False, 0
        return "Write Python code; variables persist between calls."

    def run_python(self, code: str) -> str:
        """Run Python code in the sandbox.

        Args:
            code: The Python source to run.

        Returns:
            Standard output, standard error and the exit code.
        """
        obs = self._step({"code": code})
        self.last = obs
        return f"exit code {obs.get('exit_code')}\nstdout:\n{obs.get('stdout', '')}\nstderr:\n{obs.get('stderr', '')}"


def echo_reward(environments, **kwargs) -> list:
    """TRL reward function: the environment's accumulated reward."""
    return [env.reward for env in environments]


def chess_reward(environments, **kwargs) -> list:
    """TRL reward function: the game's reward (win 1, draw 0, loss -1, illegal moves penalised)."""
    return [env.reward for env in environments]


def coding_reward(environments, **kwargs) -> list:
    """TRL reward function: the environment's reward for the code it ran."""
    return [env.reward for env in environments]
