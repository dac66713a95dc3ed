"""`crm serve`: the whole application from one command, on a developer's machine or a small server.

Embedded PostgreSQL and Redis are started unless URLs are given; then migrations, the demo data,
and the web server and the worker side by side. Ctrl-C, SIGTERM or the death of either child
stops everything, in reverse order, leaving no server behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import httpx

from adapters.embedded.postgres import EmbeddedPostgres
from adapters.embedded.redis import EmbeddedRedis

_log = logging.getLogger(__name__)

DATABASE = "crm"
STOP_TIMEOUT = 10.0  # seconds a child gets between SIGTERM and SIGKILL
_POLL = 0.2


class _StopRequest:
    """Signal handler that only records the request: the main loop notices it between steps,
    so a signal never interrupts a server half-way through starting or stopping."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            _log.info("Received %s, stopping", signal.Signals(signum).name)
        else:
            _log.warning("Still stopping; servers are being shut down cleanly")
        self.signum = signum

    def __bool__(self) -> bool:
        return self.signum is not None


def serve(
    host: str,
    port: int,
    var_dir: Path,
    database_url: str | None,
    redis_url: str | None,
    seed: bool = True,
    web_workers: int = 1,
) -> int:
    """Run until stopped; return the exit status (0 when stopped by a signal)."""
    stop = _StopRequest()
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, stop) for signum in handled}
    try:
        with contextlib.ExitStack() as stack:
            var_dir = var_dir.resolve()
            if database_url is None:
                postgres = stack.enter_context(EmbeddedPostgres(var_dir / "pg"))
                postgres.ensure_database(DATABASE)
                database_url = postgres.url(DATABASE)
            if redis_url is None:
                redis_url = stack.enter_context(EmbeddedRedis(var_dir / "redis")).url
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "VAR_DIR": str(var_dir),
            }

            steps = [("migrate",), ("seed-demo", "--if-empty")] if seed else [("migrate",)]
            for step in steps:
                if stop:
                    return 0
                status = _run_to_completion(_cli(*step), env, stop)
                if status != 0:
                    _log.error("`crm %s` failed with status %s", " ".join(step), status)
                    return _exit_status(status)

            if stop:
                return 0
            children = {
                "web": _spawn(
                    _cli("web", "--host", host, "--port", str(port), "--workers", str(web_workers)),
                    env,
                ),
                "worker": _spawn(_cli("worker"), env),
            }
            stack.callback(_terminate, list(children.values()))
            return _watch(children, _base_url(host, port), stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def _spawn(command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # A session of its own: Ctrl-C in the terminal reaches the supervisor only, which then stops
    # the children before the servers they use. stdout and stderr stay the terminal's.
    return subprocess.Popen(  # noqa: S603 - our own interpreter running our own CLI
        command, env=env, stdin=subprocess.DEVNULL, start_new_session=True
    )


def _run_to_completion(command: Sequence[str], env: dict[str, str], stop: _StopRequest) -> int:
    child = _spawn(command, env)
    while child.poll() is None:
        if stop:
            _terminate([child])
            return 0
        time.sleep(_POLL)
    return child.returncode


def _watch(children: dict[str, subprocess.Popen[bytes]], url: str, stop: _StopRequest) -> int:
    announced = False
    while not stop:
        for name, child in children.items():
            status = child.poll()
            if status is not None:
                _log.error("The %s process exited with status %s; stopping", name, status)
                # Even a clean exit is a failure: these processes are meant to run until stopped.
                return _exit_status(status) or 1
        if not announced and _healthy(url):
            sys.stdout.write(f"CRM is running at {url} (press Ctrl-C to stop)\n")
            sys.stdout.flush()
            announced = True
        time.sleep(_POLL)
    return 0


def _exit_status(returncode: int) -> int:
    """A child killed by signal N reports -N; a shell reports it as 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def _terminate(children: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each child's process group, wait, then SIGKILL whatever is left of it."""
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _log.warning("%s did not stop in %ss; killing it", child.args, STOP_TIMEOUT)
        # Also reaches grandchildren (e.g. uvicorn's workers) that outlived their parent.
        _signal_group(child, signal.SIGKILL)
        child.wait()


def _signal_group(child: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


def _base_url(host: str, port: int) -> str:
    # A wildcard address is reached through loopback.
    reachable = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in reachable:
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}"


def _healthy(url: str) -> bool:
    try:
        # trust_env=False: a proxy from the environment must not stand between us and loopback.
        return httpx.get(f"{url}/healthz", timeout=1.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False
