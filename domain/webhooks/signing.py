"""Standard Webhooks signatures (https://www.standardwebhooks.com/): HMAC-SHA256 over
``{id}.{timestamp}.{body}`` with the secret's bytes, sent as ``v1,<base64>``."""

from __future__ import annotations

import base64
import hashlib
import hmac

from domain.webhooks.model import SECRET_PREFIX


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
