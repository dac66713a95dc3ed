"""A development mailbox: every message is written to a folder as an .eml file, so invitation
and reset links can be followed without a mail server; the log names only its recipient and
subject."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

import structlog

log = structlog.get_logger(__name__)


class DevMailbox:
    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        message.set_content(body)
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid4().hex[:8]}.eml"
        await asyncio.to_thread(self._write, name, message.as_bytes())
        # Never the body: it may hold an invitation or reset link.
        log.info("mail.sent", to=to, subject=subject, file=str(self._folder / name))

    def _write(self, name: str, data: bytes) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        (self._folder / name).write_bytes(data)
