"""Call recordings over httpx: the providers' download links (Zadarma's and Mango Office's
APIs, signed with the integration's credentials) and the download itself, streamed.

- Zadarma: ``GET /v1/pbx/record/request/?call_id=<call_id_with_rec>`` with
  ``Authorization: <key>:<signature>``, the signature being base64 of the hex HMAC-SHA1 (the
  API secret) of the method's path, the sorted query string and that string's MD5; the answer
  is JSON with ``link`` (or ``links``).
- Mango Office: ``POST /vpbx/queries/recording/post/`` with the form fields ``vpbx_api_key``,
  ``sign`` (hex SHA-256 of key + json + salt) and ``json`` ``{"recording_id", "action":
  "download"}``; the answer redirects to the file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx

from adapters.webhooks.http import pin
from domain.intake.calls import Call, Provider, TelephonyIntegration
from domain.intake.originate import PbxRefused
from domain.intake.providers import mango_sign
from domain.intake.recordings import Download, RecordingUnavailable

USER_AGENT = "crm-telephony/1"
API_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
ZADARMA_RECORD_METHOD = "/v1/pbx/record/request/"
ZADARMA_CALLBACK_METHOD = "/v1/request/callback/"
# Mango Office's result code of a command it took.
MANGO_DONE = 1000
_CHUNK = 64 * 1024
_ANSWER_MAX = 64 * 1024


def zadarma_api_signature(method: str, params: dict[str, str], secret: str) -> str:
    query = urlencode(sorted(params.items()))
    text = method + query + hashlib.md5(query.encode()).hexdigest()  # noqa: S324 - their scheme
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


class HttpxRecordingLinks:
    def __init__(
        self,
        *,
        zadarma_url: str,
        mango_url: str,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._zadarma_url = zadarma_url.rstrip("/")
        self._mango_url = mango_url.rstrip("/")
        self._client = client or httpx.AsyncClient(
            timeout=API_TIMEOUT, follow_redirects=False, trust_env=False
        )

    async def link(self, integration: TelephonyIntegration, call: Call) -> str:
        assert call.recording_id is not None
        try:
            if integration.provider is Provider.ZADARMA:
                return await self._zadarma(integration, call.recording_id)
            if integration.provider is Provider.MANGO:
                return await self._mango(integration, call.recording_id)
        except httpx.HTTPError as exc:
            raise RecordingUnavailable(
                f"{integration.provider.value} API: {type(exc).__name__}", retry=True
            ) from exc
        raise RecordingUnavailable("This provider has no recordings API", retry=False)

    async def _zadarma(self, integration: TelephonyIntegration, recording_id: str) -> str:
        params = {"call_id": recording_id}
        signature = zadarma_api_signature(ZADARMA_RECORD_METHOD, params, integration.secret)
        answer = await self._client.get(
            self._zadarma_url + ZADARMA_RECORD_METHOD,
            params=params,
            headers={
                "Authorization": f"{integration.api_key}:{signature}",
                "User-Agent": USER_AGENT,
            },
        )
        document = _json(answer)
        _raise_for(answer, document, "Zadarma API")
        link = document.get("link")
        links = document.get("links")
        if not link and isinstance(links, list) and links:
            link = links[0]
        if not isinstance(link, str) or not link:
            raise RecordingUnavailable("Zadarma API answered without a link", retry=False)
        return link

    async def _mango(self, integration: TelephonyIntegration, recording_id: str) -> str:
        document = json.dumps({"recording_id": recording_id, "action": "download"})
        answer = await self._client.post(
            self._mango_url + "/queries/recording/post/",
            data={
                "vpbx_api_key": integration.api_key,
                "sign": mango_sign(integration.api_key, document, integration.secret),
                "json": document,
            },
            headers={"User-Agent": USER_AGENT},
        )
        location = answer.headers.get("location")
        if answer.is_redirect and location:
            return str(answer.url.join(location))
        _raise_for(answer, _json(answer), "Mango Office API")
        raise RecordingUnavailable("Mango Office API answered without a link", retry=False)

    async def aclose(self) -> None:
        await self._client.aclose()


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        document = json.loads(answer.content[:_ANSWER_MAX])
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _raise_for(answer: httpx.Response, document: dict[str, Any], who: str) -> None:
    status = answer.status_code
    message = str(document.get("message") or "")[:200]
    detail = f"{who}: HTTP {status}" + (f": {message}" if message else "")
    if status >= 500 or status in (408, 429):
        raise RecordingUnavailable(detail, retry=True)
    if status != 200 or document.get("status") == "error":
        raise RecordingUnavailable(detail, retry=False)


class HttpxPbxCommands:
    """Click-to-call through the providers' callback APIs (``domain.intake.originate``):

    - Zadarma: ``GET /v1/request/callback/?from=<extension>&to=<number>``, signed as the
      recordings request is; the answer is JSON with ``status`` success or error and
      ``message``.
    - Mango Office: ``POST /vpbx/commands/callback`` with ``vpbx_api_key``, ``sign`` and
      ``json`` ``{"command_id", "from": {"extension"}, "to_number"}``; the answer is JSON
      with ``result`` 1000 when the command was taken.

    Numbers go as digits, without the plus."""

    def __init__(
        self,
        *,
        zadarma_url: str,
        mango_url: str,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._zadarma_url = zadarma_url.rstrip("/")
        self._mango_url = mango_url.rstrip("/")
        self._client = client or httpx.AsyncClient(
            timeout=API_TIMEOUT, follow_redirects=False, trust_env=False
        )

    async def callback(
        self, integration: TelephonyIntegration, *, extension: str, number: str, command_id: str
    ) -> None:
        digits = number.lstrip("+")
        try:
            if integration.provider is Provider.ZADARMA:
                await self._zadarma(integration, extension, digits)
                return
            if integration.provider is Provider.MANGO:
                await self._mango(integration, extension, digits, command_id)
                return
        except httpx.HTTPError as exc:
            raise PbxRefused(
                f"the API could not be reached ({type(exc).__name__})", transient=True
            ) from exc
        raise PbxRefused("this provider has no callback API", transient=False)

    async def _zadarma(self, integration: TelephonyIntegration, extension: str, to: str) -> None:
        params = {"from": extension, "to": to}
        signature = zadarma_api_signature(ZADARMA_CALLBACK_METHOD, params, integration.secret)
        answer = await self._client.get(
            self._zadarma_url + ZADARMA_CALLBACK_METHOD,
            params=params,
            headers={
                "Authorization": f"{integration.api_key}:{signature}",
                "User-Agent": USER_AGENT,
            },
        )
        document = _json(answer)
        if answer.status_code == 200 and document.get("status") == "success":
            return
        raise _refusal(answer, str(document.get("message") or ""))

    async def _mango(
        self, integration: TelephonyIntegration, extension: str, to: str, command_id: str
    ) -> None:
        document = json.dumps(
            {"command_id": command_id, "from": {"extension": extension}, "to_number": to}
        )
        answer = await self._client.post(
            self._mango_url + "/commands/callback",
            data={
                "vpbx_api_key": integration.api_key,
                "sign": mango_sign(integration.api_key, document, integration.secret),
                "json": document,
            },
            headers={"User-Agent": USER_AGENT},
        )
        result = _json(answer).get("result")
        if answer.status_code == 200 and result == MANGO_DONE:
            return
        raise _refusal(answer, f"result {result}" if result is not None else "")

    async def aclose(self) -> None:
        await self._client.aclose()


def _refusal(answer: httpx.Response, message: str) -> PbxRefused:
    status = answer.status_code
    detail = f"HTTP {status}" + (f": {message[:200]}" if message else "")
    return PbxRefused(detail, transient=status >= 500 or status in (408, 429))


class HttpxAudioDownloads:
    """One GET per hop, streamed; redirects are returned, not followed (each target is
    checked first)."""

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self._client = client or httpx.AsyncClient(
            timeout=DOWNLOAD_TIMEOUT, follow_redirects=False, trust_env=False
        )

    @asynccontextmanager
    async def open(self, url: str, *, connect_to: str | None) -> AsyncIterator[Download]:
        request = self._client.build_request("GET", url, headers={"User-Agent": USER_AGENT})
        if connect_to is not None:
            pin(request, connect_to)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise RecordingUnavailable(f"{type(exc).__name__}: {exc}"[:300], retry=True) from exc
        try:
            length = response.headers.get("content-length")
            yield Download(
                status=response.status_code,
                content_type=response.headers.get("content-type"),
                content_length=int(length) if length and length.isdigit() else None,
                location=response.headers.get("location"),
                chunks=_chunks(response),
            )
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()


async def _chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes(_CHUNK):
            yield chunk
    except httpx.HTTPError as exc:
        raise RecordingUnavailable(f"{type(exc).__name__}: {exc}"[:300], retry=True) from exc
