"""Saved filters: a user's named filters of a list (clients, deals, tasks), kept on the server
so they follow the user from one browser to another. Each is the list's URL query string, so
opening one is opening that URL; nobody else sees or changes them."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl
from uuid import UUID

from domain.auth.principal import Principal
from domain.shared.clock import Clock
from domain.shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.shared.ids import new_id
from domain.shared.text import clean_name, without_controls

if TYPE_CHECKING:  # the unit of work names this module's repository
    from domain.platform.ports import UnitOfWork

NAME_MAX = 100
QUERY_MAX = 2000
PER_LIST_MAX = 50


class SavedFilterList(enum.StrEnum):
    CLIENTS = "clients"
    DEALS = "deals"
    TASKS = "tasks"


def clean_query(value: str) -> str:
    """A URL query string (``q=...&temperature=hot``) without the leading ``?``; refused when it
    is too long, holds control characters or does not parse."""
    text = without_controls(value.strip().removeprefix("?"), "query", multiline=False)
    if len(text) > QUERY_MAX:
        raise InvalidInput("query", f"must be at most {QUERY_MAX} characters")
    try:
        parse_qsl(text, strict_parsing=bool(text), max_num_fields=200)
    except ValueError as exc:
        raise InvalidInput("query", "is not a URL query string") from exc
    return text


@dataclass(slots=True, kw_only=True)
class SavedFilter:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    list: SavedFilterList
    name: str
    query: str
    created_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, "name", max_length=NAME_MAX)
        self.query = clean_query(self.query)


class SavedFilterRepository(Protocol):
    async def add(self, saved: SavedFilter) -> None: ...
    async def get(
        self, organisation_id: UUID, user_id: UUID, filter_id: UUID
    ) -> SavedFilter | None: ...
    async def list(
        self, organisation_id: UUID, user_id: UUID, kind: SavedFilterList
    ) -> Sequence[SavedFilter]:
        """The user's filters of one list, by name."""
        ...

    async def update(self, saved: SavedFilter) -> None: ...
    async def delete(self, organisation_id: UUID, user_id: UUID, filter_id: UUID) -> None: ...


class SavedFilterService:
    """A user's own saved filters; another user's answer 404, as if they did not exist."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal, kind: SavedFilterList) -> Sequence[SavedFilter]:
        user_id = _user(principal)
        async with self._uow as uow:
            return await uow.saved_filters.list(principal.organisation_id, user_id, kind)

    async def create(
        self, principal: Principal, kind: SavedFilterList, *, name: str, query: str
    ) -> SavedFilter:
        user_id = _user(principal)
        saved = SavedFilter(
            organisation_id=principal.organisation_id,
            user_id=user_id,
            list=kind,
            name=name,
            query=query,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            existing = await uow.saved_filters.list(principal.organisation_id, user_id, kind)
            if len(existing) >= PER_LIST_MAX:
                raise InvalidInput("name", f"at most {PER_LIST_MAX} saved filters per list")
            if any(f.name.casefold() == saved.name.casefold() for f in existing):
                raise Conflict(f"A saved filter named {saved.name!r} already exists")
            await uow.saved_filters.add(saved)
            await uow.commit()
            return saved

    async def update(
        self,
        principal: Principal,
        filter_id: UUID,
        *,
        name: str | None = None,
        query: str | None = None,
    ) -> SavedFilter:
        user_id = _user(principal)
        async with self._uow as uow:
            saved = await self._load(uow, principal, user_id, filter_id)
            if name is not None:
                name = clean_name(name, "name", max_length=NAME_MAX)
                others = await uow.saved_filters.list(
                    principal.organisation_id, user_id, saved.list
                )
                if any(f.id != saved.id and f.name.casefold() == name.casefold() for f in others):
                    raise Conflict(f"A saved filter named {name!r} already exists")
                saved.name = name
            if query is not None:
                saved.query = clean_query(query)
            await uow.saved_filters.update(saved)
            await uow.commit()
            return saved

    async def delete(self, principal: Principal, filter_id: UUID) -> None:
        user_id = _user(principal)
        async with self._uow as uow:
            await self._load(uow, principal, user_id, filter_id)
            await uow.saved_filters.delete(principal.organisation_id, user_id, filter_id)
            await uow.commit()

    @staticmethod
    async def _load(
        uow: UnitOfWork, principal: Principal, user_id: UUID, filter_id: UUID
    ) -> SavedFilter:
        saved = await uow.saved_filters.get(principal.organisation_id, user_id, filter_id)
        if saved is None:
            raise NotFound("Saved filter", filter_id)
        return saved


def _user(principal: Principal) -> UUID:
    """Saved filters belong to a person; an API key has none."""
    if principal.user_id is None:
        raise PermissionDenied("Saved filters belong to a user; an API key has none")
    return principal.user_id
