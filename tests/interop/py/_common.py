"""Shared helpers of the interop scripts: argument parsing and JSON output.

Every script prints exactly one JSON document on stdout; the Deno test that
runs it parses and asserts it. Diagnostics go to stderr.
"""

import json
import sys
from typing import Any


def base_url() -> str:
    """The server URL, the first command-line argument."""
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL")
    return sys.argv[1]


def emit(result: Any) -> None:
    """Prints the result as one JSON document."""
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()


def version() -> str:
    """The installed OpenEnv distribution and its version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    for dist in ("openenv", "openenv-core"):
        try:
            return f"{dist} {dist_version(dist)}"
        except PackageNotFoundError:
            continue
    return "unknown"
