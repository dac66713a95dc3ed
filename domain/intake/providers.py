"""Reading and checking the events PBXs post: Zadarma, Mango Office and the CRM's generic
call-event API.

Each reader has two parts. ``check`` runs on the public endpoint before the event is answered:
it finds the event's key (a redelivery has the same one) and verifies the signature with the
integration's secret. ``read`` runs in the worker and turns the stored body into a ``CallEvent``.
Both take bytes from anyone: nothing here raises on a malformed body; what cannot be read is
said in the result, and the raw request stays in the inbox.

Signatures (see the providers' documentation and ../shared/samples/README.md):

- Zadarma: header ``Signature`` = base64 of the lowercase hex HMAC-SHA1, keyed with the
  account's secret, of fields concatenated without separators; which fields depends on the
  event (``_ZADARMA_SIGNED``).
- Mango Office: form fields ``vpbx_api_key``, ``sign``, ``json``; ``sign`` = lowercase hex
  SHA-256 of vpbx_api_key + json + salt, ``json`` being the string as received.
- Generic: header ``X-Signature: sha256=<lowercase hex HMAC-SHA256 of the raw body>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from domain.intake.calls import (
    CallDirection,
    CallEvent,
    CallResult,
    EventStage,
    IntegrationRoute,
    Provider,
)
from domain.intake.parsing import media_type, parse_body

MAX_KEY_PART = 150
_MAX_FIELDS = 200

_ZADARMA_SIGNED: dict[str, tuple[str, ...]] = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_IVR": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
_ZADARMA_RESULTS = {
    "answered": CallResult.ANSWERED,
    "busy": CallResult.BUSY,
    "cancel": CallResult.CANCELLED,
    "no answer": CallResult.NO_ANSWER,
    "noanswer": CallResult.NO_ANSWER,
    "failed": CallResult.FAILED,
    "no money": CallResult.FAILED,
    "unallocated number": CallResult.FAILED,
    "no limit": CallResult.FAILED,
    "no day limit": CallResult.FAILED,
    "line limit": CallResult.FAILED,
    "no money, no limit": CallResult.FAILED,
}


@dataclass(frozen=True, slots=True)
class Check:
    """What the public endpoint learns of an event before answering it."""

    event_key: str | None
    # None: signed right. Otherwise why it is refused (answered 401, stored as rejected).
    refusal: str | None = None
    # The event type is one this reader does not know: stored, shown, nothing more.
    unknown: str | None = None


def _form_fields(body: bytes, content_type: str | None) -> dict[str, str]:
    """The body's fields as sent (a signature covers the exact text): urlencoded read as is,
    multipart and JSON through the lenient reader."""
    kind = media_type(content_type)
    if kind in ("", "application/x-www-form-urlencoded", "text/plain"):
        try:
            text = body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
        except (UnicodeDecodeError, ValueError):
            pairs = []
        if pairs or kind:
            return dict(pairs)
    return dict(parse_body(body, content_type).fields)


def _key_part(value: str | None) -> str:
    return (value or "")[:MAX_KEY_PART]


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


# --- Zadarma ----------------------------------------------------------------------------


def zadarma_signature(fields: Mapping[str, str], secret: str) -> str | None:
    """The signature Zadarma sends for these fields, or None for an event type it does not
    sign in a known way."""
    names = _ZADARMA_SIGNED.get(fields.get("event", ""))
    if names is None:
        return None
    text = "".join(fields.get(name, "") for name in names)
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def _zadarma_check(
    route: IntegrationRoute, body: bytes, content_type: str | None, headers: Mapping[str, str]
) -> Check:
    fields = _form_fields(body, content_type)
    name = fields.get("event", "")
    call_id = fields.get("pbx_call_id")
    if call_id:
        extra = fields.get("internal", "") if name == "NOTIFY_INTERNAL" else ""
        extra = fields.get("call_id_with_rec", "") if name == "NOTIFY_RECORD" else extra
        key = f"{_key_part(call_id)}:{_key_part(name)}:{_key_part(extra)}"
    else:
        key = f"body:{_digest(body)}"
    expected = zadarma_signature(fields, route.secret)
    if expected is None:
        return Check(key, unknown=f"Zadarma event {name or '(none)'!r} is not one this CRM reads")
    sent = headers.get("signature", "").strip()
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return Check(key, refusal="The Signature header is missing or does not match the secret")
    return Check(key)


def _moment(value: str | None, zone: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 10**10 else None


def _zadarma_read(body: bytes, content_type: str | None, zone: ZoneInfo) -> CallEvent:
    fields = _form_fields(body, content_type)
    name = fields.get("event", "") or "(none)"
    start = _moment(fields.get("call_start"), zone)
    common: dict[str, Any] = {
        "name": name[:64],
        "call_id": fields.get("pbx_call_id") or None,
        "started_at": start,
        "at": start,
    }
    if name in ("NOTIFY_START", "NOTIFY_IVR"):
        return CallEvent(
            **common,
            stage=EventStage.START,
            direction=CallDirection.INBOUND,
            client_number=fields.get("caller_id"),
            company_number=fields.get("called_did"),
        )
    if name == "NOTIFY_INTERNAL":
        return CallEvent(
            **common,
            stage=EventStage.OTHER,
            direction=CallDirection.INBOUND,
            client_number=fields.get("caller_id"),
            company_number=fields.get("called_did"),
            extension=fields.get("internal") or None,
        )
    if name == "NOTIFY_ANSWER":
        return CallEvent(
            **common,
            stage=EventStage.ANSWER,
            direction=CallDirection.INBOUND,
            client_number=fields.get("caller_id"),
            extension=fields.get("destination") or fields.get("internal") or None,
            at=None,
        )
    if name in ("NOTIFY_END", "NOTIFY_OUT_END"):
        inbound = name == "NOTIFY_END"
        disposition = (fields.get("disposition") or "").strip().lower()
        result = _ZADARMA_RESULTS.get(disposition)
        if result is None:
            result = CallResult.FAILED if disposition else None
        if inbound and result not in (None, CallResult.ANSWERED):
            # Nobody picked up: missed, whichever way it ended; busy and failed stay so.
            missed = result in (CallResult.CANCELLED, CallResult.NO_ANSWER)
            result = CallResult.MISSED if missed else result
        duration = _int(fields.get("duration"))
        answered = result is CallResult.ANSWERED
        return CallEvent(
            **common,
            stage=EventStage.END,
            direction=CallDirection.INBOUND if inbound else CallDirection.OUTBOUND,
            client_number=fields.get("caller_id") if inbound else fields.get("destination"),
            company_number=fields.get("called_did") if inbound else None,
            extension=fields.get("internal") or None,
            result=result,
            # Zadarma's duration is the conversation's when answered.
            duration_seconds=duration,
            talk_seconds=duration if answered else 0,
            recording_id=fields.get("call_id_with_rec")
            if fields.get("is_recorded") == "1"
            else None,
            disconnect_reason=fields.get("status_code") or None,
        )
    if name == "NOTIFY_OUT_START":
        return CallEvent(
            **common,
            stage=EventStage.START,
            direction=CallDirection.OUTBOUND,
            client_number=fields.get("destination"),
            extension=fields.get("internal") or None,
        )
    if name == "NOTIFY_RECORD":
        return CallEvent(
            name=name,
            call_id=fields.get("pbx_call_id") or None,
            stage=EventStage.RECORDING,
            recording_id=fields.get("call_id_with_rec") or None,
        )
    return CallEvent(**common, stage=EventStage.OTHER)


# --- Mango Office -------------------------------------------------------------------------


def mango_sign(api_key: str, json_text: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{json_text}{salt}".encode()).hexdigest()


def _mango_document(fields: Mapping[str, str]) -> dict[str, Any]:
    try:
        document = json.loads(fields.get("json", ""))
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _mango_check(
    route: IntegrationRoute, path: str, body: bytes, content_type: str | None
) -> Check:
    fields = _form_fields(body, content_type)
    document = _mango_document(fields)
    kind = path.strip("/").removeprefix("events/") or "(none)"
    entry = str(document.get("entry_id") or "")
    if kind == "call" and document.get("call_id"):
        key = f"call:{_key_part(str(document['call_id']))}:{_key_part(str(document.get('seq')))}"
    elif kind == "summary" and entry:
        key = f"summary:{_key_part(entry)}"
    elif kind == "recording" and entry:
        key = f"recording:{_key_part(entry)}:{_key_part(str(document.get('recording_id')))}"
        state = str(document.get("recording_state") or "")
        if state and state != "Completed":  # the start of a recording is another event
            key = f"{key}:{_key_part(state)}"
    else:
        key = f"{_key_part(kind)}:{_digest(body)}"
    sent_key = fields.get("vpbx_api_key", "")
    sign = fields.get("sign", "").strip().lower()
    expected = mango_sign(route.api_key, fields.get("json", ""), route.secret)
    if not hmac.compare_digest(sent_key.encode(), route.api_key.encode()) or not (
        sign and hmac.compare_digest(sign.encode(), expected.encode())
    ):
        return Check(
            key, refusal="vpbx_api_key or sign does not match the integration's key and salt"
        )
    if kind not in ("call", "summary", "recording"):
        return Check(key, unknown=f"Mango Office event {kind!r} is stored, not used")
    return Check(key)


def _unix(value: Any) -> datetime | None:
    number = _int(value)
    if not number:
        return None
    return datetime.fromtimestamp(number, UTC)


def _party(document: Mapping[str, Any], side: str) -> tuple[str | None, str | None]:
    part = document.get(side)
    if not isinstance(part, dict):
        return None, None
    number = part.get("number")
    extension = part.get("extension")
    return (str(number) if number else None, str(extension) if extension else None)


def _mango_read(path: str, body: bytes, content_type: str | None) -> CallEvent:
    document = _mango_document(_form_fields(body, content_type))
    kind = path.strip("/").removeprefix("events/") or "(none)"
    entry = str(document.get("entry_id") or "") or None
    from_number, from_extension = _party(document, "from")
    to_number, to_extension = _party(document, "to")
    to_part = document.get("to")
    to: dict[str, Any] = to_part if isinstance(to_part, dict) else {}
    if kind == "summary":
        direction = {0: CallDirection.INTERNAL, 1: CallDirection.INBOUND, 2: CallDirection.OUTBOUND}
        way = direction.get(_int(document.get("call_direction")) or 0, CallDirection.INTERNAL)
        if _int(document.get("call_direction")) is None:
            way = CallDirection.INBOUND if not from_extension else CallDirection.OUTBOUND
        talked = _int(document.get("entry_result")) == 1
        created, talk, ended = (
            _unix(document.get("create_time")),
            _unix(document.get("talk_time")),
            _unix(document.get("end_time")),
        )
        inbound = way is CallDirection.INBOUND
        if talked:
            result = CallResult.ANSWERED
        else:
            result = CallResult.MISSED if inbound else CallResult.NO_ANSWER
        return CallEvent(
            name="summary",
            call_id=entry,
            stage=EventStage.END,
            direction=way,
            client_number=from_number if inbound else to_number,
            company_number=str(document.get("line_number") or "")
            or (to_number if inbound else None),
            extension=(to_extension if inbound else from_extension),
            started_at=created,
            answered_at=talk if talked else None,
            ended_at=ended,
            result=result,
            duration_seconds=int((ended - created).total_seconds()) if ended and created else None,
            talk_seconds=int((ended - talk).total_seconds()) if talked and ended and talk else 0,
            disconnect_reason=str(document.get("disconnect_reason") or "") or None,
        )
    if kind == "call":
        state = str(document.get("call_state") or "")
        at = _unix(document.get("timestamp"))
        outbound = bool(from_extension) and not to_extension
        stage = {
            "Appeared": EventStage.START,
            "Connected": EventStage.ANSWER,
        }.get(state, EventStage.OTHER)
        if stage is EventStage.ANSWER and str(document.get("location")) != "abonent":
            stage = EventStage.OTHER  # the IVR or a queue took it, not a person
        return CallEvent(
            name=f"call:{state or '?'}"[:64],
            call_id=entry,
            stage=stage,
            direction=CallDirection.OUTBOUND if outbound else CallDirection.INBOUND,
            client_number=to_number if outbound else from_number,
            company_number=(None if outbound else str(to.get("line_number") or "") or to_number),
            extension=from_extension if outbound else to_extension,
            at=at,
            started_at=at if stage is EventStage.START else None,
            disconnect_reason=str(document.get("disconnect_reason") or "") or None,
            leg=str(document.get("call_id") or "") or None,
            leg_open={"Appeared": True, "Connected": True, "OnHold": True}.get(
                state, False if state == "Disconnected" else None
            ),
        )
    if kind == "recording":
        # Mango tells when a recording starts too (recording_state Started, Continued): only
        # a finished one (Completed, or no state at all) is there to fetch.
        state = str(document.get("recording_state") or "")
        return CallEvent(
            name=f"recording:{state}"[:64] if state else "recording",
            call_id=entry,
            stage=EventStage.RECORDING if state in ("", "Completed") else EventStage.OTHER,
            recording_id=str(document.get("recording_id") or "")[:300] or None,
        )
    return CallEvent(name=kind[:64], call_id=entry, stage=EventStage.OTHER)


# --- generic ------------------------------------------------------------------------------

GENERIC_STAGES = {s.value: s for s in EventStage}


def generic_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _generic_document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _generic_check(route: IntegrationRoute, body: bytes, headers: Mapping[str, str]) -> Check:
    document = _generic_document(body)
    call_id, name = document.get("call_id"), document.get("event")
    key = (
        f"{_key_part(str(call_id))}:{_key_part(str(name))}"
        if call_id and name
        else f"body:{_digest(body)}"
    )
    sent = headers.get("x-signature", "").strip().lower()
    if not sent or not hmac.compare_digest(
        sent.encode(), generic_signature(body, route.secret).encode()
    ):
        return Check(key, refusal="The X-Signature header is missing or does not match the secret")
    if str(name) not in GENERIC_STAGES:
        return Check(key, unknown=f"event {name!r} is not one of {', '.join(GENERIC_STAGES)}")
    return Check(key)


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or not 2000 <= moment.year <= 2100:
        return None
    return moment


def _text(value: Any, limit: int) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()[:limit]
    return text or None


def _generic_read(body: bytes) -> CallEvent:
    document = _generic_document(body)
    stage = GENERIC_STAGES.get(str(document.get("event")), EventStage.OTHER)
    direction = {d.value: d for d in CallDirection}.get(str(document.get("direction")))
    result = {r.value: r for r in CallResult}.get(str(document.get("result")))
    url = _text(document.get("recording_url"), 2000)
    return CallEvent(
        name=str(document.get("event"))[:64],
        call_id=_text(document.get("call_id"), 200),
        stage=stage,
        direction=direction,
        client_number=_text(document.get("client_number"), 64),
        company_number=_text(document.get("company_number"), 64),
        extension=_text(document.get("extension"), 32),
        at=_iso(document.get("at")),
        started_at=_iso(document.get("started_at")),
        answered_at=_iso(document.get("answered_at")),
        ended_at=_iso(document.get("ended_at")),
        result=result,
        duration_seconds=_int(document.get("duration_seconds")),
        talk_seconds=_int(document.get("talk_seconds")),
        recording_url=url if url and url.startswith(("https://", "http://")) else None,
        recording_id=_text(document.get("recording_id"), 300),
    )


# --- dispatch -----------------------------------------------------------------------------


def check_event(
    route: IntegrationRoute,
    path: str,
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
) -> Check:
    if route.provider is Provider.ZADARMA:
        return _zadarma_check(route, body, content_type, headers)
    if route.provider is Provider.MANGO:
        return _mango_check(route, path, body, content_type)
    return _generic_check(route, body, headers)


def read_event(
    provider: Provider, path: str, body: bytes, content_type: str | None, zone: ZoneInfo
) -> CallEvent:
    """The event a stored body holds (``zone``: the organisation's, for PBXs that send local
    times without an offset)."""
    if provider is Provider.ZADARMA:
        return _zadarma_read(body, content_type, zone)
    if provider is Provider.MANGO:
        return _mango_read(path, body, content_type)
    return _generic_read(body)


__all__ = ["Check", "check_event", "read_event"]
