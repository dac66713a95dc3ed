"""Reading what a website form sent: JSON, urlencoded and multipart bodies in whatever charset,
Tilda's flattened PHP-style names (``payment[products][0][name]``), and the lead in them.

Everything here is defensive: a body is bytes from anyone. Decoding never raises (an
undecodable byte becomes U+FFFD and the item says so), field counts and lengths are capped,
and control characters are dropped before anything is stored as a lead.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from domain.intake.model import Form, LeadField, field_key
from domain.shared.email import validate_email
from domain.shared.errors import InvalidInput
from domain.shared.phone import normalise_phone

MAX_FIELDS = 300
MAX_NAME_LENGTH = 200
MAX_VALUE_LENGTH = 10_000
MAX_JSON_DEPTH = 8
# Lead values are cut to these lengths (the client and contact fields they become).
_LEAD_LIMITS = {
    LeadField.NAME: 200,
    LeadField.PHONE: 64,
    LeadField.EMAIL: 254,
    LeadField.COMMENT: 5000,
    LeadField.PRODUCT: 500,
    LeadField.COMPANY: 300,
}
UTM_TAGS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
_REFERRER_FIELDS = ("referer", "referrer", "page", "pageurl", "tildaurl", "url", "sourceurl")
# Tilda's own fields: never shown as the lead's "other fields".
_SERVICE_FIELDS = frozenset(
    field_key(name) for name in ("formid", "formname", "tranid", "cookies", "form", "test")
)
_ANALYTICS_COOKIES = ("_ga", "_ym_uid", "roistat_visit", "tildauid", "_fbp")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._\-]+)", re.IGNORECASE)
_BOUNDARY = re.compile(r"boundary\s*=\s*\"?([^\";]+)", re.IGNORECASE)


@dataclass(slots=True)
class ParsedBody:
    """The body as flat ``name -> value`` pairs (nested JSON flattened PHP-style), and notes
    on anything that was off (a wrong charset, cut fields, an unknown format)."""

    fields: dict[str, str] = field(default_factory=dict)
    format: str = "empty"
    notes: list[str] = field(default_factory=list)

    def get(self, *keys: str) -> str | None:
        """The first non-blank value among fields whose ``field_key`` is one of ``keys``."""
        wanted = set(keys)
        for name, value in self.fields.items():
            if field_key(name) in wanted and value.strip():
                return value
        return None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset_of(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1).lower() if match else None


def decode_text(body: bytes, content_type: str | None, notes: list[str] | None = None) -> str:
    """The body as text: the declared charset, else UTF-8, else windows-1251 (Russian sites
    that forgot to declare it); bytes that fit none become U+FFFD."""
    declared = charset_of(content_type)
    for charset in (declared, "utf-8", "cp1251"):
        if charset is None:
            continue
        try:
            text = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        if declared and charset != declared and notes is not None:
            notes.append(f"declared charset {declared} did not fit; read as {charset}")
        elif not declared and charset != "utf-8" and notes is not None:
            notes.append(f"no charset declared and not UTF-8; read as {charset}")
        return text
    if notes is not None:
        notes.append("the body is not text in any known charset; unreadable bytes replaced")
    return body.decode("utf-8", errors="replace")


def clean_value(value: str, *, max_length: int = MAX_VALUE_LENGTH, multiline: bool = True) -> str:
    """Control characters out (line breaks and tabs stay in multi-line values), NFC, cut."""
    value = unicodedata.normalize("NFC", _CONTROLS.sub("", value))
    if not multiline:
        value = _INVISIBLE.sub("", re.sub(r"[\r\n\t]+", " ", value))
    return value.strip()[:max_length]


def parse_body(body: bytes, content_type: str | None) -> ParsedBody:
    parsed = ParsedBody()
    if not body:
        return parsed
    kind = media_type(content_type)
    pairs: list[tuple[str, str]]
    if kind == "multipart/form-data":
        parsed.format = "multipart"
        pairs = _multipart(body, content_type or "", parsed.notes)
    elif kind == "application/json" or kind.endswith("+json"):
        parsed.format = "json"
        pairs = _json(decode_text(body, content_type, parsed.notes), parsed.notes)
    elif kind == "application/x-www-form-urlencoded":
        parsed.format = "urlencoded"
        pairs = _urlencoded(body, content_type, parsed.notes)
    else:
        text = decode_text(body, content_type, parsed.notes).strip()
        if text.startswith(("{", "[")):
            parsed.format = "json"
            pairs = _json(text, parsed.notes)
        elif "=" in text and "\n" not in text.strip():
            parsed.format = "urlencoded"
            pairs = _urlencoded(body, content_type, parsed.notes)
        else:
            parsed.format = "unknown"
            parsed.notes.append(f"unsupported content type {kind or 'none'}")
            pairs = []
    if len(pairs) > MAX_FIELDS:
        parsed.notes.append(f"{len(pairs)} fields; only the first {MAX_FIELDS} are read")
        pairs = pairs[:MAX_FIELDS]
    cut = False
    for name, value in pairs:
        name = clean_value(name, max_length=MAX_NAME_LENGTH, multiline=False)
        if not name:
            continue
        if len(value) > MAX_VALUE_LENGTH:
            cut = True
        value = clean_value(value)
        if name in parsed.fields:  # a repeated name (checkboxes): values joined
            parsed.fields[name] = f"{parsed.fields[name]}, {value}"[:MAX_VALUE_LENGTH]
        else:
            parsed.fields[name] = value
    if cut:
        parsed.notes.append(f"values longer than {MAX_VALUE_LENGTH} characters were cut")
    return parsed


def _urlencoded(body: bytes, content_type: str | None, notes: list[str]) -> list[tuple[str, str]]:
    text = decode_text(body, content_type, notes)
    charset = charset_of(content_type) or "utf-8"
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS * 4,
            encoding=charset,
            errors="strict",
        )
    except (ValueError, LookupError, UnicodeDecodeError):
        # Too many fields, or percent-escapes that are not the declared charset: the lenient
        # reading, with the first fields only.
        pairs = []
        for part in text.split("&")[: MAX_FIELDS + 1]:
            name, _, value = part.partition("=")
            pairs.append((_unquote(name), _unquote(value)))
        notes.append("the urlencoded body is malformed or not in its declared charset")
    return pairs


def _unquote(value: str) -> str:
    raw = unquote(value.replace("+", " "), encoding="latin-1")
    data = raw.encode("latin-1", errors="replace")
    for charset in ("utf-8", "cp1251"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _json(text: str, notes: list[str]) -> list[tuple[str, str]]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        notes.append("the body is not valid JSON")
        return []
    pairs: list[tuple[str, str]] = []
    _flatten(document, "", pairs, 0)
    return pairs


def _flatten(value: Any, prefix: str, out: list[tuple[str, str]], depth: int) -> None:
    if len(out) > MAX_FIELDS:
        return
    if isinstance(value, dict):
        if depth >= MAX_JSON_DEPTH:
            out.append((prefix or "body", json.dumps(value, ensure_ascii=False)[:MAX_VALUE_LENGTH]))
            return
        for key, item in value.items():
            _flatten(item, f"{prefix}[{key}]" if prefix else str(key), out, depth + 1)
    elif isinstance(value, list):
        if depth >= MAX_JSON_DEPTH:
            out.append((prefix or "body", json.dumps(value, ensure_ascii=False)[:MAX_VALUE_LENGTH]))
            return
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]" if prefix else str(index), out, depth + 1)
    elif value is None:
        out.append((prefix or "body", ""))
    elif isinstance(value, bool):
        out.append((prefix or "body", "true" if value else "false"))
    else:
        out.append((prefix or "body", str(value)))


def _multipart(body: bytes, content_type: str, notes: list[str]) -> list[tuple[str, str]]:
    if not _BOUNDARY.search(content_type):
        notes.append("multipart body without a boundary")
        return []
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        notes.append("the multipart body could not be read")
        return []
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename:
            pairs.append((str(name), f"[file {filename}, {len(payload)} bytes, not kept]"))
            continue
        pairs.append((str(name), decode_text(payload, part.get("content-type"), notes)))
        if len(pairs) > MAX_FIELDS:
            break
    return pairs


# --- the provider's event id ------------------------------------------------------------


def tilda_event_key(fields: Mapping[str, str], body: bytes) -> str | None:
    """Tilda retries a post it thinks failed: ``tranid``, else the form and order id, else the
    body's hash name one submission. None for a body that is not Tilda's."""
    tranid = fields.get("tranid", "").strip()
    if tranid:
        return f"tranid:{tranid[:200]}"
    formid = fields.get("formid", "").strip()
    if not formid:
        return None
    order = fields.get("payment[orderid]", "").strip()
    if order:
        return f"order:{formid[:100]}:{order[:100]}"
    return f"sha256:{hashlib.sha256(body).hexdigest()}"


def event_key(
    body: bytes, content_type: str | None, idempotency_key: str | None
) -> tuple[str, str | None]:
    """The sender's format ("tilda" or "generic") and the id that makes its redelivery
    harmless: the Idempotency-Key header, else Tilda's own ids. A body without any of the
    names Tilda's posts carry is not parsed (the hot path of every form post)."""
    lowered = body.lower()
    maybe_tilda = any(name in lowered for name in _TILDA_NAMES)
    parsed = parse_body(body, content_type) if maybe_tilda else ParsedBody()
    provider = "tilda" if is_tilda(parsed) else "generic"
    if idempotency_key:
        return provider, f"key:{clean_value(idempotency_key, max_length=255, multiline=False)}"
    return provider, tilda_event_key(parsed.fields, body) if provider == "tilda" else None


# Field names of which a Tilda post has at least one (is_tilda): the connection check's
# "test", a form's "formid", a payment's "tranid".
_TILDA_NAMES = (b"formid", b"tranid", b"test")


def is_tilda(parsed: ParsedBody) -> bool:
    return "formid" in parsed.fields or "tranid" in parsed.fields or is_connection_check(parsed)


def is_connection_check(parsed: ParsedBody) -> bool:
    """Tilda's check right after a webhook is set up: exactly ``test=test``."""
    return {k.lower(): v for k, v in parsed.fields.items()} == {"test": "test"}


# --- the lead -------------------------------------------------------------------------


def read_lead(parsed: ParsedBody, form: Form, headers: Mapping[str, str]) -> dict[str, Any]:
    """The lead a form post carries: its people fields by the form's mapping, source and
    campaign from UTM tags (fields, then cookies), the referrer, and every other field."""
    lead: dict[str, Any] = {}
    used: set[str] = set()
    for role in LeadField:
        keys = form.names_for(role)
        for name, value in parsed.fields.items():
            if field_key(name) in keys and value.strip() and name not in used:
                lead[role.value] = clean_value(
                    value, max_length=_LEAD_LIMITS[role], multiline=role is LeadField.COMMENT
                )
                used.add(name)
                break
    _check_contacts(lead)
    cookies = _cookies(parsed.get("cookies") or headers.get("cookie", ""))
    utm: dict[str, str] = {}
    for tag in UTM_TAGS:
        tagged = parsed.get(field_key(tag)) or cookies.get(tag)
        if tagged:
            utm[tag] = clean_value(tagged, max_length=500, multiline=False)
            used.update(n for n in parsed.fields if field_key(n) == field_key(tag))
    sourcebuster = _sourcebuster(cookies.get("sbjs_current", ""))
    for tag, value in sourcebuster.items():
        utm.setdefault(tag, value)
    if utm:
        lead["utm"] = utm
    referrer = parsed.get(*(field_key(n) for n in _REFERRER_FIELDS)) or headers.get("referer")
    if referrer:
        lead["referrer"] = clean_value(referrer, max_length=2000, multiline=False)
    lead["source"] = utm.get("utm_source") or _host(lead.get("referrer")) or form.name
    if utm.get("utm_campaign"):
        lead["campaign"] = utm["utm_campaign"]
    analytics = {
        k: clean_value(cookies[k], max_length=200) for k in _ANALYTICS_COOKIES if k in cookies
    }
    if analytics:
        lead["analytics"] = analytics
    products = _tilda_products(parsed.fields)
    if products:
        lead["products"] = products
        if "product" not in lead:
            lead["product"] = ", ".join(p["name"] for p in products if p.get("name"))[:500]
    amount = parsed.fields.get("payment[amount]")
    if amount:
        lead["amount"] = clean_value(amount, max_length=40, multiline=False)
    if form.secret_field:
        used.update(n for n in parsed.fields if field_key(n) == field_key(form.secret_field))
    if form.honeypot_field:
        used.update(n for n in parsed.fields if field_key(n) == field_key(form.honeypot_field))
    extra = {
        name: value
        for name, value in parsed.fields.items()
        if name not in used
        and field_key(name) not in _SERVICE_FIELDS
        and not name.startswith("payment[")
        and field_key(name) not in {field_key(n) for n in _REFERRER_FIELDS}
    }
    if extra:
        lead["fields"] = extra
    return lead


def _check_contacts(lead: dict[str, Any]) -> None:
    """A phone in E.164 and an e-mail in shape when they are; the raw text otherwise (kept,
    and shown as not understood)."""
    phone = lead.get(LeadField.PHONE.value)
    if phone:
        try:
            lead["phone"] = normalise_phone(phone)
        except InvalidInput:
            lead["phone_raw"] = lead.pop("phone")
    address = lead.get(LeadField.EMAIL.value)
    if address:
        try:
            lead["email"] = validate_email(address).lower()
        except InvalidInput:
            lead["email_raw"] = lead.pop("email")


def _cookies(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(";")[:100]:
        name, sep, value = part.strip().partition("=")
        if sep and name:
            found[name.strip()] = unquote(value.strip())[:1000]
    return found


def _sourcebuster(value: str) -> dict[str, str]:
    """The sourcebuster.js cookie many Russian sites set: ``typ=utm|src=yandex|mdm=cpc|cmp=x``."""
    parts = dict(p.partition("=")[::2] for p in value.split("|") if "=" in p)
    names = {
        "src": "utm_source",
        "mdm": "utm_medium",
        "cmp": "utm_campaign",
        "cnt": "utm_content",
        "trm": "utm_term",
    }
    return {
        names[k]: clean_value(v, max_length=500, multiline=False)
        for k, v in parts.items()
        if k in names and v and v != "(none)"
    }


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host or None


_PRODUCT = re.compile(r"^payment\[products\]\[(\d+)\]\[(name|quantity|price|amount|sku)\]$")


def _tilda_products(fields: Mapping[str, str]) -> list[dict[str, str]]:
    products: dict[int, dict[str, str]] = {}
    for name, value in fields.items():
        match = _PRODUCT.match(name)
        if match and int(match.group(1)) < 100:
            products.setdefault(int(match.group(1)), {})[match.group(2)] = value[:500]
    return [products[i] for i in sorted(products)]
