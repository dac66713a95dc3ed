from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.shared.errors import FieldProblem, InvalidInput


@dataclass(frozen=True, slots=True)
class Requirement:
    """Something a stage needs before a deal enters it: a filled deal field
    (``kind="fields"``, ``name="amount"`` or ``"custom:budget"``) or an attached document of a
    type (``kind="documents"``, ``name="contract"``)."""

    kind: str  # fields | documents
    name: str


class StageRequirementsMissing(InvalidInput):
    """Entering the stage needs what ``missing`` names; each is one error with its loc."""

    title = "Stage requirements missing"

    def __init__(self, stage_name: str, missing: Sequence[Requirement]) -> None:
        self.stage_name = stage_name
        self.missing = tuple(missing)
        super().__init__(
            problems=[
                FieldProblem(loc=(m.kind, m.name), msg=_message(stage_name, m)) for m in missing
            ]
        )
        names = ", ".join(f"{m.kind[:-1]} {m.name}" for m in self.missing)
        self.detail = f"Entering the stage {stage_name!r} requires: {names}"


def _message(stage_name: str, requirement: Requirement) -> str:
    if requirement.kind == "documents":
        return f"attach a document of type {requirement.name!r} before entering {stage_name!r}"
    return f"fill in {requirement.name!r} before entering {stage_name!r}"
