"""What callers ask of the funnels context: typed inputs of its create and update use cases
(funnels, their stages, loss reasons).

Update commands are partial: a field left ``UNSET`` keeps its value, ``None`` clears it (where
the field may be empty). Values are checked by the entities, not here. A new stage is a
``StageSpec`` (``domain/funnels/model.py``), which the templates use too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.funnels.model import FunnelTemplate, StageGroup, StageSpec
from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateFunnel:
    """From a template (its stages; ``name`` overrides the template's) or from ``stages``."""

    name: str | None = None  # required without a template
    template: FunnelTemplate | None = None
    stages: Sequence[StageSpec] = ()
    is_default: bool = False  # the organisation's first funnel is the default anyway


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateFunnel:
    name: Patch[str] = UNSET
    # True makes it the default; False is refused for the default funnel (make another one
    # the default instead) and changes nothing for the others.
    is_default: Patch[bool] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateStage:
    name: Patch[str] = UNSET
    probability: Patch[Decimal | int | str] = UNSET
    expected_result: Patch[str | None] = UNSET  # None clears it
    required_fields: Patch[Sequence[str]] = UNSET  # replaced as a whole
    required_documents: Patch[Sequence[str]] = UNSET  # replaced as a whole
    max_days: Patch[int | None] = UNSET  # None: no limit
    group: Patch[StageGroup] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateLossReason:
    name: str
    position: int | None = None  # after the last reason when None


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateLossReason:
    name: Patch[str] = UNSET
    is_active: Patch[bool] = UNSET
    position: Patch[int] = UNSET
