"""structlog set-up: JSON lines when not on a terminal, readable lines on one; every line
carries the request id bound by the HTTP middleware (or the job id in the worker)."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

import structlog
from sqlalchemy.exc import StatementError


def configure_logging(level: str = "INFO") -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own access log repeats what the request middleware logs with the request id.
    for name in ("uvicorn", "uvicorn.error", "arq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def failure_fields(exc: BaseException) -> dict[str, Any]:
    """How an unexpected failure is logged. A database error is logged by its statement,
    classes and SQLSTATE with the stack, but never its message or chained cause: the driver
    quotes bound values there (a token's digest, a password's hash, personal data), which the
    engine's ``hide_parameters`` does not cover."""
    if not isinstance(exc, StatementError):
        return {"error": str(exc), "exc_info": exc}
    cause = exc.orig if exc.orig is not None else exc.__cause__
    return {
        "error": type(exc).__name__ + (f" ({type(cause).__name__})" if cause else ""),
        "sqlstate": getattr(cause, "sqlstate", None),
        "statement": exc.statement,
        "stack": "".join(traceback.format_tb(exc.__traceback__)),
    }
