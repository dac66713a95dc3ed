"""Who is asking, and what they may see. Every repository method that reads tenant data takes
a Scope, so an unscoped query cannot be written by accident."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID


class Visibility(enum.StrEnum):
    """How far a role sees records of a resource."""

    OWN = "own"
    TEAM = "team"
    ALL = "all"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    organisation_id: UUID
    user_id: UUID | None
    visibility: Visibility = Visibility.OWN
    # Department subtree of the caller (their department and every department below it);
    # used for TEAM visibility.
    department_ids: frozenset[UUID] = field(default_factory=frozenset)
    # The caller's calendar day in the organisation's time zone, from the injected clock: the
    # day on which absences make the caller a substitute (who sees the absent colleague's
    # records). None (system actors, API keys) stands in for no one.
    today: date | None = None

    @classmethod
    def organisation_wide(cls, organisation_id: UUID) -> Scope:
        """Scope of a system actor (worker, seed) that acts for the whole organisation."""
        return cls(organisation_id=organisation_id, user_id=None, visibility=Visibility.ALL)
