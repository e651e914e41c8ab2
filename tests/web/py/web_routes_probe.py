"""Probes the web interface's reference routes as the Python reference defines
them, and checks every /ws/ui frame against the reference's own pydantic
models (EpisodeState and ActionLog forbid unknown keys, so a wrong or missing
key fails).

Run against the reference server and ours; the test compares the two reports.

Usage: <venv>/bin/python web_routes_probe.py http://127.0.0.1:PORT
Prints one JSON line: what each route answered, reduced to what must match.
"""

import json
import sys
import urllib.error
import urllib.request

from websockets.sync.client import connect

from openenv.core.env_server.types import EnvironmentMetadata
from openenv.core.env_server.web_interface import ActionLog, EpisodeState

base = sys.argv[1].rstrip("/")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with opener.open(req, timeout=10) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def frame(ws):
    msg = json.loads(ws.recv(timeout=10))
    assert msg["type"] == "state_update", msg
    state = EpisodeState.model_validate(msg["episode_state"])
    for log in msg["episode_state"]["action_logs"]:
        ActionLog.model_validate(log)
    return state


report = {}
for path in ["/", "/web"]:
    status, headers, _ = call("GET", path)
    report["GET " + path] = [status, headers.get("location")]

status, headers, body = call("GET", "/web/")
report["GET /web/"] = [status, headers.get("content-type", "").split(";")[0]]

status, _, body = call("GET", "/web/metadata")
meta = json.loads(body)
EnvironmentMetadata.model_validate(meta)
report["GET /web/metadata"] = [status, sorted(meta)]

with connect(base.replace("http", "ws", 1) + "/ws/ui") as ws:
    first = frame(ws)
    report["first frame"] = [first.episode_id, first.step_count, first.is_reset, len(first.action_logs)]

    status, _, body = call("POST", "/web/reset")
    reply = json.loads(body)
    report["POST /web/reset (no body)"] = [status, sorted(reply), type(reply["observation"]).__name__]
    state = frame(ws)
    report["frame after reset"] = [state.is_reset, state.step_count, len(state.action_logs)]

    status, _, body = call("POST", "/web/reset", {"episode_id": "probe-1", "not_a_kwarg": 1})
    report["POST /web/reset (kwargs)"] = [status]
    state = frame(ws)
    report["frame after reset with episode_id"] = [state.episode_id, state.is_reset]

    status, _, body = call("POST", "/web/step", {"action": {"message": "hello"}})
    reply = json.loads(body)
    report["POST /web/step"] = [
        status,
        sorted(reply),
        reply["observation"]["echoed_message"],
        round(reply["reward"], 6),
        reply["done"],
    ]
    state = frame(ws)
    log = state.action_logs[-1]
    report["frame after step"] = [
        state.episode_id,
        state.step_count,
        state.is_reset,
        len(state.action_logs),
        log.action,
        log.observation["echoed_message"],
        round(log.reward, 6),
        log.done,
        log.step_count,
    ]

    status, _, body = call("POST", "/web/step", {"message": "hi"})
    report["POST /web/step (message)"] = [status, json.loads(body)["observation"]["echoed_message"]]
    state = frame(ws)
    report["frame after message step"] = [state.step_count, len(state.action_logs)]

    status, _, body = call("GET", "/web/state")
    report["GET /web/state"] = [status, json.loads(body)]

print(json.dumps(report))
