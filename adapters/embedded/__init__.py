"""PostgreSQL and Redis run as child servers from packages on PyPI, so `crm serve` and the
tests need nothing installed on the machine. Use the submodules: `adapters.embedded.postgres`,
`adapters.embedded.redis`."""

from __future__ import annotations

import signal
import threading
from types import FrameType


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks and atexit hooks stop the servers.

    By default SIGTERM ends the interpreter at once and would leave the servers running. A
    handler that the program installed itself is left alone (the supervisor has its own), and
    signal handlers can only be set from the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
