"""Funnels: ordered stages with a win probability, entry requirements, a day limit and a group;
and the editable list of loss reasons."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.shared.errors import FieldProblem, InvalidInput, NotFound
from domain.shared.ids import new_id
from domain.shared.patch import UNSET
from domain.shared.text import clean_name, clean_text

if TYPE_CHECKING:
    from domain.funnels.commands import UpdateFunnel, UpdateLossReason, UpdateStage

MAX_STAGES = 12
# Field limits, shared with the API schemas (api/schemas/funnels.py, loss_reasons.py).
# Positions in an ordered list (stages, loss reasons); larger ones are typing slips.
POSITION_MAX = 1000
FUNNEL_NAME_MAX = 200
STAGE_NAME_MAX = 200
EXPECTED_RESULT_MAX = 500
LOSS_REASON_NAME_MAX = 200
# Above this many stages a funnel still works, but sellers stop telling stages apart.
WARN_STAGES = 7
MAX_STAGE_DAYS = 3650

# Deal fields a stage may require before a deal enters it; custom fields as "custom:<key>".
DEAL_FIELDS = (
    "amount",
    "contact_id",
    "expected_close_date",
    "expected_margin",
    "products",
    "source_channel",
)
CUSTOM_PREFIX = "custom:"
_CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_DOCUMENT_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class StageGroup(enum.StrEnum):
    MARKETING = "marketing"
    SALE = "sale"
    PAPERWORK = "paperwork"
    SERVICE = "service"


class FunnelTemplate(enum.StrEnum):
    SALES = "sales"
    B2B_PROJECT = "b2b_project"
    SIMPLE_SALE = "simple_sale"


def probability_of(
    value: Decimal | int | str, loc: Sequence[str | int] = ("probability",)
) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(loc, "is not a number") from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise InvalidInput(loc, "must be between 0 and 100")
    return number.quantize(Decimal("0.01"))


def required_field_names(values: Iterable[str], loc: Sequence[str | int]) -> list[str]:
    """Deal field names, or custom:<key>; each once, in the given order."""
    names: list[str] = []
    for i, raw in enumerate(values):
        name = raw.strip()
        if name.startswith(CUSTOM_PREFIX):
            if not _CUSTOM_KEY.match(name[len(CUSTOM_PREFIX) :]):
                raise InvalidInput((*loc, i), "custom:<key> names a custom field by its key")
        elif name not in DEAL_FIELDS:
            raise InvalidInput(
                (*loc, i), f"must be one of {', '.join(DEAL_FIELDS)} or custom:<key>"
            )
        if name not in names:
            names.append(name)
    return names


def document_codes(values: Iterable[str], loc: Sequence[str | int]) -> list[str]:
    codes: list[str] = []
    for i, raw in enumerate(values):
        code = raw.strip()
        if not _DOCUMENT_CODE.match(code):
            raise InvalidInput((*loc, i), "is not a document type code")
        if code not in codes:
            codes.append(code)
    return codes


def max_days_of(value: int | None, loc: Sequence[str | int] = ("max_days",)) -> int | None:
    if value is not None and not 1 <= value <= MAX_STAGE_DAYS:
        raise InvalidInput(loc, f"must be between 1 and {MAX_STAGE_DAYS} days")
    return value


@dataclass(slots=True, kw_only=True)
class Stage:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    funnel_id: UUID
    name: str
    position: int = 0
    probability: Decimal = Decimal(0)
    expected_result: str | None = None
    required_fields: list[str] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    max_days: int | None = None
    group: StageGroup = StageGroup.SALE
    created_at: datetime | None = None

    @property
    def win_share(self) -> Decimal:
        """Probability as a fraction, 0..1."""
        return self.probability / Decimal(100)

    def snapshot(self) -> dict[str, Any]:
        """The fields the audit log compares."""
        return {
            "name": self.name,
            "position": self.position,
            "probability": self.probability,
            "expected_result": self.expected_result,
            "required_fields": list(self.required_fields),
            "required_documents": list(self.required_documents),
            "max_days": self.max_days,
            "group": self.group,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSpec:
    """A stage as the caller describes it; ``loc`` prefixes the fields in errors."""

    name: str
    probability: Decimal | int | str = 0
    expected_result: str | None = None
    required_fields: Sequence[str] = ()
    required_documents: Sequence[str] = ()
    max_days: int | None = None
    group: StageGroup = StageGroup.SALE


def _expected_result(value: str | None, loc: Sequence[str | int]) -> str | None:
    return clean_text(value, loc, max_length=EXPECTED_RESULT_MAX, required=False, multiline=True)


@dataclass(slots=True, kw_only=True)
class Funnel:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    template: FunnelTemplate | None = None
    is_default: bool = False
    position: int = 0
    stages: list[Stage] = field(default_factory=list)
    created_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, "name", max_length=FUNNEL_NAME_MAX)

    @property
    def warnings(self) -> list[str]:
        if len(self.stages) > WARN_STAGES:
            return [
                f"The funnel has {len(self.stages)} stages; more than {WARN_STAGES} are hard "
                "to tell apart and to report on"
            ]
        return []

    @property
    def first_stage(self) -> Stage:
        if not self.stages:
            raise InvalidInput("funnel_id", "the funnel has no stages")
        return self.stages[0]

    def stage(self, stage_id: UUID) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def rename(self, name: str) -> None:
        self.name = clean_name(name, "name", max_length=FUNNEL_NAME_MAX)

    def add_stage(
        self, spec: StageSpec, *, position: int | None = None, loc: Sequence[str | int] = ()
    ) -> Stage:
        """Insert a stage (at the end by default); at most MAX_STAGES, names unique."""
        if len(self.stages) >= MAX_STAGES:
            raise InvalidInput(("stages",), f"a funnel has at most {MAX_STAGES} stages")
        stage = Stage(
            organisation_id=self.organisation_id,
            funnel_id=self.id,
            name=clean_name(spec.name, (*loc, "name"), max_length=STAGE_NAME_MAX),
            probability=probability_of(spec.probability, (*loc, "probability")),
            expected_result=_expected_result(spec.expected_result, (*loc, "expected_result")),
            required_fields=required_field_names(spec.required_fields, (*loc, "required_fields")),
            required_documents=document_codes(
                spec.required_documents, (*loc, "required_documents")
            ),
            max_days=max_days_of(spec.max_days, (*loc, "max_days")),
            group=spec.group,
        )
        self._require_unique_name(stage.name, (*loc, "name"), except_id=None)
        index = len(self.stages) if position is None else max(0, min(position, len(self.stages)))
        self.stages.insert(index, stage)
        self._renumber()
        return stage

    def apply(self, update: UpdateFunnel, *, others: Sequence[Funnel] = ()) -> None:
        """Rename (unique among ``others``, the organisation's funnels) or make it the
        default; the caller clears the other funnels' default."""
        if update.name is not UNSET:
            self.rename(update.name)
            folded = self.name.casefold()
            if any(f.id != self.id and f.name.casefold() == folded for f in others):
                raise InvalidInput("name", f"a funnel named {self.name!r} already exists")
        if update.is_default is False and self.is_default:
            raise InvalidInput("is_default", "make another funnel the default instead")
        if update.is_default is True:
            self.is_default = True

    def change_stage(self, stage_id: UUID, update: UpdateStage) -> Stage:
        stage = self._require_stage(stage_id)
        if update.name is not UNSET:
            cleaned = clean_name(update.name, "name", max_length=STAGE_NAME_MAX)
            self._require_unique_name(cleaned, ("name",), except_id=stage.id)
            stage.name = cleaned
        if update.probability is not UNSET:
            stage.probability = probability_of(update.probability)
        if update.expected_result is not UNSET:
            stage.expected_result = _expected_result(update.expected_result, ("expected_result",))
        if update.required_fields is not UNSET:
            stage.required_fields = required_field_names(
                update.required_fields, ("required_fields",)
            )
        if update.required_documents is not UNSET:
            stage.required_documents = document_codes(
                update.required_documents, ("required_documents",)
            )
        if update.max_days is not UNSET:
            stage.max_days = max_days_of(update.max_days)
        if update.group is not UNSET:
            stage.group = update.group
        return stage

    def remove_stage(self, stage_id: UUID) -> Stage:
        """The caller checks that no deal is in the stage."""
        stage = self._require_stage(stage_id)
        if len(self.stages) == 1:
            raise InvalidInput("stage_id", "a funnel keeps at least one stage")
        self.stages.remove(stage)
        self._renumber()
        return stage

    def reorder(self, stage_ids: Sequence[UUID]) -> None:
        """``stage_ids`` names every stage exactly once, in the new order."""
        current = {s.id: s for s in self.stages}
        if len(stage_ids) != len(current) or set(stage_ids) != set(current):
            raise InvalidInput("stage_ids", "must list every stage of the funnel exactly once")
        self.stages = [current[i] for i in stage_ids]
        self._renumber()

    def _require_stage(self, stage_id: UUID) -> Stage:
        stage = self.stage(stage_id)
        if stage is None:
            raise NotFound("Stage", stage_id)
        return stage

    def _require_unique_name(
        self, name: str, loc: Sequence[str | int], *, except_id: UUID | None
    ) -> None:
        folded = name.casefold()
        if any(s.name.casefold() == folded and s.id != except_id for s in self.stages):
            raise InvalidInput(loc, f"a stage named {name!r} already exists in this funnel")

    def _renumber(self) -> None:
        for i, stage in enumerate(self.stages):
            stage.position = i


def build_funnel(
    organisation_id: UUID,
    name: str,
    specs: Sequence[StageSpec],
    *,
    template: FunnelTemplate | None = None,
) -> Funnel:
    """A new funnel with its stages, every problem of every stage reported at once."""
    if len(specs) > MAX_STAGES:
        raise InvalidInput("stages", f"a funnel has at most {MAX_STAGES} stages")
    if not specs:
        raise InvalidInput("stages", "a funnel needs at least one stage")
    funnel = Funnel(organisation_id=organisation_id, name=name, template=template)
    problems: list[FieldProblem] = []
    for i, spec in enumerate(specs):
        try:
            funnel.add_stage(spec, loc=("stages", i))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems=problems)
    return funnel


@dataclass(slots=True, kw_only=True)
class LossReason:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    is_active: bool = True
    position: int = 0
    created_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, "name", max_length=LOSS_REASON_NAME_MAX)

    def apply(self, update: UpdateLossReason) -> None:
        if update.name is not UNSET:
            self.name = clean_name(update.name, "name", max_length=LOSS_REASON_NAME_MAX)
        if update.is_active is not UNSET:
            self.is_active = update.is_active
        if update.position is not UNSET:
            self.position = update.position

    def deactivate(self) -> None:
        """Instead of deleting a reason lost deals name, so their history keeps it."""
        self.is_active = False


DEFAULT_LOSS_REASONS = (
    "Дорого",
    "Выбрали конкурента",
    "Нет бюджета",
    "Проиграли тендер",
    "Потребность исчезла",
    "Не вышли на ЛПР",
    "Не отвечает",
)
