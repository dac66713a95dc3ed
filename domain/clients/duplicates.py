"""Duplicate control: what counts as the same client or contact, and the refusal that names
the existing records and who owns them."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.shared.errors import Conflict

# pg_trgm similarity of name keys from which two names count as the same.
NAME_SIMILARITY = 0.8
# The stored job that rebuilds an organisation's duplicate pairs.
RESCAN_JOB = "clients.rescan_duplicates"
# A phone or e-mail shared by more clients than this (a call centre, info@ of a holding) says
# nothing about any two of them; a rescan does not pair them all. Nor does it pair all the
# clients of one name key carried by more than this many.
SHARED_VALUE_LIMIT = 50
# Similar names: what the change-time check finds and what a rescan finds.
#
# * A change (create, rename, contact edit, merge) compares the one client with every other
#   through the trigram index: each name key with similarity >= NAME_SIMILARITY is a pair.
# * A rescan pairs, in set-based statements that stay under a minute at 200,000 clients:
#   - equal name keys (legal forms, case, ё and punctuation already folded by ``name_key``),
#     grouped by sorting, for name keys carried by 2..SHARED_VALUE_LIMIT clients;
#   - names with similarity >= NAME_SIMILARITY that share a word of their name keys held by
#     2..NAME_BLOCK_LIMIT clients (the block): words in another order, a word added or
#     dropped, a typo in one word of several.
#   It misses similar names with no such word in common: a typo in a one-word name (at 0.8 that
#   needs a word of 17 letters or more), or names whose shared words are all common ("торговый
#   дом ..."). The change-time check still finds those the next time either client changes.
#   Comparing all names instead (a trigram-index lookup per client, or prefix filtering on the
#   rarest trigrams) took over five minutes at 200,000 clients.
NAME_BLOCK_LIMIT = 50


class DuplicateReason(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    INN = "inn"
    EDRPOU = "edrpou"
    NAME = "similar_name"


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateCandidate:
    """An existing record that matches. ``id`` is the client's (or the contact's, for contact
    checks, with its ``client_id``)."""

    id: UUID
    name: str
    responsible_id: UUID | None
    reasons: tuple[DuplicateReason, ...]
    client_id: UUID | None = None
    responsible_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "responsible_id": str(self.responsible_id) if self.responsible_id else None,
            "responsible_name": self.responsible_name,
            "reasons": [r.value for r in self.reasons],
        }
        if self.client_id is not None:
            data["client_id"] = str(self.client_id)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateProbe:
    """One record of a batch to check for duplicates (``find_duplicates_many``): its values as
    the client would store them, under the caller's ``key`` (a row number)."""

    key: int
    name_key: str | None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    inn: str | None = None
    edrpou: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateHit:
    """One matching record for one reason, as a repository finds it."""

    id: UUID
    name: str
    responsible_id: UUID | None
    reason: DuplicateReason
    client_id: UUID | None = None


def group_hits(
    hits: Iterable[DuplicateHit], names: Mapping[UUID, str] | None = None
) -> list[DuplicateCandidate]:
    """One candidate per record with all its reasons, the most reasons first; ``names`` of
    users tell who owns each."""
    grouped: dict[UUID, tuple[DuplicateHit, list[DuplicateReason]]] = {}
    for hit in hits:
        _first, reasons = grouped.setdefault(hit.id, (hit, []))
        if hit.reason not in reasons:
            reasons.append(hit.reason)
    candidates = [
        DuplicateCandidate(
            id=hit.id,
            name=hit.name,
            responsible_id=hit.responsible_id,
            reasons=tuple(sorted(reasons, key=list(DuplicateReason).index)),
            client_id=hit.client_id,
            responsible_name=(names or {}).get(hit.responsible_id) if hit.responsible_id else None,
        )
        for hit, reasons in grouped.values()
    ]
    candidates.sort(key=lambda c: (-len(c.reasons), c.name))
    return candidates


class DuplicateFound(Conflict):
    """A strong match exists; the caller may confirm and create it anyway."""

    title = "Possible duplicate"

    def __init__(self, entity: str, candidates: Sequence[DuplicateCandidate]) -> None:
        self.candidates = tuple(candidates)
        owners = ", ".join(
            f"{c.name} (responsible: {c.responsible_name or c.responsible_id})"
            for c in self.candidates[:3]
        )
        super().__init__(
            f"This {entity} looks like an existing one: {owners}. Send confirm_duplicate: true "
            "to save it anyway."
        )

    @property
    def extensions(self) -> dict[str, Any]:
        return {"candidates": [c.as_dict() for c in self.candidates]}


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicatePair:
    """Two existing clients that look like one (``first_id`` < ``second_id``)."""

    first_id: UUID
    first_name: str
    first_responsible_id: UUID
    second_id: UUID
    second_name: str
    second_responsible_id: UUID
    reasons: tuple[DuplicateReason, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanProgress:
    """A step of a duplicate rescan: how far it is (0-100) and what it did."""

    percent: int
    message: str
    pairs: int | None = None


def identity_keys(
    *,
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    inn: str | None = None,
    edrpou: str | None = None,
) -> list[str]:
    """The normalised values two clients must not share unknowingly. Creates that carry any
    of them are serialised on these keys, so two concurrent creates of one new phone cannot
    both pass the duplicate check."""
    keys = {f"phone:{p}" for p in phones} | {f"email:{e}" for e in emails}
    if inn:
        keys.add(f"inn:{inn}")
    if edrpou:
        keys.add(f"edrpou:{edrpou}")
    return sorted(keys)
