// The Python side of the Atari worker, kept as a string so the environment
// works when bundled or loaded from JSR (no file next to the module needed).
// It runs as `python -u -c <source>`.

/** Source of the long-lived ALE worker (Python 3, needs ale-py). */
export const ALE_WORKER_SOURCE: string = String
  .raw`"""Long-lived Arcade Learning Environment worker for the Deno atari environment.

Protocol (binary, over stdin/stdout):
  request:  one JSON object per line, e.g. {"op": "step", "action": 3}
  response: one JSON object per line; when it has "obs_bytes": N, exactly N
            raw observation bytes follow the line (row-major uint8).
Ops: "load" (game, obs_type, frameskip, repeat_action_probability, mode,
difficulty, full_action_space, seed), "reset", "step" (action index into the
action set), "close". Errors are answered as {"error": "..."} and the worker
keeps running. Nothing else is ever written to stdout: the emulator's own
banner goes to stderr.
"""
import json
import os
import sys

# Keep the protocol stream clean: fd 1 is re-pointed at stderr for everything
# else (the emulator prints a banner), the protocol uses a private copy.
_proto = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(2, 1)

import ale_py  # noqa: E402
from ale_py import ALEInterface, roms  # noqa: E402


class Game:
    def __init__(self, cfg):
        game = cfg.get("game", "pong")
        ids = roms.get_all_rom_ids()
        if game not in ids:
            raise ValueError(
                f"unknown game {game!r}; known games include: {', '.join(sorted(ids)[:12])}, ..."
            )
        self.obs_type = cfg.get("obs_type", "rgb")
        if self.obs_type not in ("rgb", "grayscale", "ram"):
            raise ValueError(f"obs_type must be rgb, grayscale or ram, got {self.obs_type!r}")
        self.frameskip = int(cfg.get("frameskip", 4))
        if self.frameskip < 1:
            raise ValueError("frameskip must be at least 1")
        ale = ALEInterface()
        ale.setLoggerMode(ale_py.LoggerMode.Error)
        ale.setInt("random_seed", int(cfg.get("seed", 0)) % (2**31))
        ale.setFloat("repeat_action_probability", float(cfg.get("repeat_action_probability", 0.0)))
        ale.loadROM(roms.get_rom_path(game))
        if cfg.get("mode") is not None:
            mode = int(cfg["mode"])
            if mode not in ale.getAvailableModes():
                raise ValueError(f"mode {mode} is not one of {list(ale.getAvailableModes())}")
            ale.setMode(mode)
        if cfg.get("difficulty") is not None:
            diff = int(cfg["difficulty"])
            if diff not in ale.getAvailableDifficulties():
                raise ValueError(f"difficulty {diff} is not one of {list(ale.getAvailableDifficulties())}")
            ale.setDifficulty(diff)
        full = bool(cfg.get("full_action_space", False))
        self.actions = list(ale.getLegalActionSet() if full else ale.getMinimalActionSet())
        self.ale = ale
        self.game = game
        ale.reset_game()

    def info(self):
        ale = self.ale
        return {
            "lives": ale.lives(),
            "frame_number": ale.getFrameNumber(),
            "episode_frame_number": ale.getEpisodeFrameNumber(),
            "game_over": ale.game_over(),
        }

    def observe(self):
        if self.obs_type == "rgb":
            data = self.ale.getScreenRGB()
        elif self.obs_type == "grayscale":
            data = self.ale.getScreenGrayscale()
        else:
            data = self.ale.getRAM()
        return list(data.shape), data.tobytes()

    def step(self, index):
        if not isinstance(index, int) or not 0 <= index < len(self.actions):
            raise ValueError(
                f"action_id {index!r} is out of range: this game has {len(self.actions)} actions (0..{len(self.actions) - 1})"
            )
        action = self.actions[index]
        reward = 0
        for _ in range(self.frameskip):
            reward += self.ale.act(action)
            if self.ale.game_over():
                break
        return reward


def send(obj, payload=None):
    if payload is not None:
        obj["obs_bytes"] = len(payload)
    _proto.write((json.dumps(obj, separators=(",", ":")) + "\n").encode())
    if payload is not None:
        _proto.write(payload)


def main():
    game = None
    for line in sys.stdin.buffer:
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "load":
                game = Game(req)
                shape, data = game.observe()
                send({
                    "ok": True,
                    "game": game.game,
                    "actions": [a.name for a in game.actions],
                    "shape": shape,
                    **game.info(),
                }, data)
            elif op == "close":
                send({"ok": True})
                return
            elif game is None:
                raise ValueError("no game loaded: send a load request first")
            elif op == "reset":
                game.ale.reset_game()
                shape, data = game.observe()
                send({"ok": True, "shape": shape, **game.info()}, data)
            elif op == "step":
                reward = game.step(req.get("action"))
                shape, data = game.observe()
                send({"ok": True, "reward": reward, "shape": shape, **game.info()}, data)
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as e:  # answer and keep serving
            send({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
`;
