from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import AwareMoment, Name, Schema, Text
from domain.callscripts.model import (
    ANSWER_TEXT_MAX,
    KEY_MAX,
    MAX_ANSWERS,
    MAX_CALL_LISTS,
    MAX_PATH,
    MAX_STAGES,
    MAX_STEPS,
    NAME_MAX,
    STEP_TEXT_MAX,
    Answer,
    AnswerKind,
    PathEntry,
    ScriptOutcome,
    Step,
    StepKind,
)
from domain.callscripts.ports import Assignments, RunRow
from domain.callscripts.services import NewRun, ReportView, ScriptDraft, ScriptView

Key = Annotated[
    str,
    Field(min_length=1, max_length=KEY_MAX, description="Letters, digits, '_' or '-'"),
]


class AnswerWrite(Schema):
    id: Key = Field(description="Unique within its step")
    kind: AnswerKind = AnswerKind.ANSWER
    text: Name = Field(max_length=ANSWER_TEXT_MAX)
    next_step_id: Key | None = Field(default=None, description="The step this answer leads to")
    outcome: ScriptOutcome | None = Field(
        default=None, description="Ends the script with this outcome (instead of a next step)"
    )


class StepWrite(Schema):
    id: Key = Field(description="Unique within the script")
    kind: StepKind = StepKind.QUESTION
    text: Text = Field(max_length=STEP_TEXT_MAX)
    answers: list[AnswerWrite] = Field(max_length=MAX_ANSWERS)

    def to_step(self) -> Step:
        return Step(
            id=self.id,
            kind=self.kind,
            text=self.text,
            answers=tuple(
                Answer(
                    id=a.id,
                    kind=a.kind,
                    text=a.text,
                    next_step_id=a.next_step_id,
                    outcome=a.outcome,
                )
                for a in self.answers
            ),
        )


class CallScriptWrite(Schema):
    """The whole script: every step reachable from the start, every answer leading to a step
    of the script or ending it with an outcome."""

    name: Name = Field(max_length=NAME_MAX)
    is_active: bool = True
    start_step_id: Key | None = Field(default=None, description="The first step when omitted")
    steps: list[StepWrite] = Field(max_length=MAX_STEPS)

    def to_draft(self) -> ScriptDraft:
        return ScriptDraft(
            name=self.name,
            is_active=self.is_active,
            start_step_id=self.start_step_id,
            steps=tuple(s.to_step() for s in self.steps),
        )


class AnswerRead(Schema):
    id: str
    kind: AnswerKind
    text: str
    next_step_id: str | None
    outcome: ScriptOutcome | None


class StepRead(Schema):
    id: str
    kind: StepKind
    text: str
    answers: list[AnswerRead]


class CallScriptRead(Schema):
    id: UUID
    name: str
    is_active: bool
    start_step_id: str
    steps: list[StepRead]
    stage_ids: list[UUID] = Field(description="The funnel stages it applies to")
    call_list_ids: list[UUID] = Field(description="The call lists that follow it")
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: ScriptView) -> CallScriptRead:
        s = view.script
        return cls(
            id=s.id,
            name=s.name,
            is_active=s.is_active,
            start_step_id=s.start_step_id or "",
            steps=[
                StepRead(
                    id=step.id,
                    kind=step.kind,
                    text=step.text,
                    answers=[
                        AnswerRead(
                            id=a.id,
                            kind=a.kind,
                            text=a.text,
                            next_step_id=a.next_step_id,
                            outcome=a.outcome,
                        )
                        for a in step.answers
                    ],
                )
                for step in s.steps
            ],
            stage_ids=list(view.assignments.stage_ids),
            call_list_ids=list(view.assignments.call_list_ids),
            created_at=s.created_at,
            updated_at=s.updated_at,
            version=s.version,
        )


class CallScriptPage(Schema):
    items: list[CallScriptRead]
    next_cursor: str | None


class CallScriptAssignments(Schema):
    """Replaces where the script applies. A stage given leaves the script it had."""

    stage_ids: list[UUID] = Field(default_factory=list, max_length=MAX_STAGES)
    call_list_ids: list[UUID] = Field(default_factory=list, max_length=MAX_CALL_LISTS)

    def to_assignments(self) -> Assignments:
        return Assignments(tuple(self.stage_ids), tuple(self.call_list_ids))


class CallScriptResolved(Schema):
    script: CallScriptRead | None = Field(description="None: no active script applies")
    source: str | None = Field(description="stage or call_list")


class PathEntryWrite(Schema):
    step_id: Key
    answer_id: Key | None = Field(
        default=None, description="None only on the last step: the call ended there"
    )
    at: AwareMoment = Field(description="When the step was shown")


class CallScriptRunCreate(Schema):
    """At least one of deal_id, client_id and call_list_item_id; a deal's client is taken
    from the deal, a number's client and deal from the number."""

    script_id: UUID
    deal_id: UUID | None = None
    client_id: UUID | None = None
    call_list_item_id: UUID | None = None
    call_id: UUID | None = Field(default=None, description="The PBX call")
    activity_id: UUID | None = Field(default=None, description="The call logged as an activity")
    path: list[PathEntryWrite] = Field(min_length=1, max_length=MAX_PATH)
    outcome: ScriptOutcome | None = Field(
        default=None,
        description="The ending answer's outcome when omitted; required when the path stops on "
        "a step without an answer",
    )

    def to_new(self) -> NewRun:
        return NewRun(
            script_id=self.script_id,
            deal_id=self.deal_id,
            client_id=self.client_id,
            call_list_item_id=self.call_list_item_id,
            call_id=self.call_id,
            activity_id=self.activity_id,
            path=tuple(PathEntry(p.step_id, p.answer_id, p.at) for p in self.path),
            outcome=self.outcome,
        )


class PathEntryRead(Schema):
    step_id: str
    answer_id: str | None
    at: datetime


class CallScriptRunRead(Schema):
    id: UUID
    script_id: UUID
    script_name: str
    script_version: int
    user_id: UUID | None
    user_name: str | None
    client_id: UUID | None
    deal_id: UUID | None
    call_list_id: UUID | None
    call_list_item_id: UUID | None
    call_id: UUID | None
    activity_id: UUID | None
    outcome: ScriptOutcome
    path: list[PathEntryRead]
    started_at: datetime
    finished_at: datetime

    @classmethod
    def of(cls, row: RunRow) -> CallScriptRunRead:
        r = row.run
        return cls(
            id=r.id,
            script_id=r.script_id,
            script_name=row.script_name,
            script_version=r.script_version,
            user_id=r.user_id,
            user_name=row.user_name,
            client_id=r.client_id,
            deal_id=r.deal_id,
            call_list_id=r.call_list_id,
            call_list_item_id=r.call_list_item_id,
            call_id=r.call_id,
            activity_id=r.activity_id,
            outcome=r.outcome,
            path=[PathEntryRead(step_id=p.step_id, answer_id=p.answer_id, at=p.at) for p in r.path],
            started_at=r.started_at,
            finished_at=r.finished_at,
        )


class CallScriptRunPage(Schema):
    items: list[CallScriptRunRead]
    next_cursor: str | None


class AnswerFiguresRead(Schema):
    answer_id: str
    text: str
    chosen: int = Field(description="Runs that chose it")
    by_outcome: dict[ScriptOutcome, int] = Field(description="Those runs by their outcome")


class StepFiguresRead(Schema):
    step_id: str
    text: str
    reached: int = Field(description="Runs that reached the step")
    answers: list[AnswerFiguresRead]


class CallScriptReportRead(Schema):
    script_id: UUID
    date_from: date
    date_to: date
    runs: int
    by_outcome: dict[ScriptOutcome, int]
    steps: list[StepFiguresRead] = Field(description="The script's steps in its order")

    @classmethod
    def of(cls, view: ReportView) -> CallScriptReportRead:
        figures = {s.step_id: s for s in view.report.steps}
        steps: list[StepFiguresRead] = []
        for step in view.script.steps:
            found = figures.get(step.id)
            chosen = {a.answer_id: a for a in found.answers} if found else {}
            steps.append(
                StepFiguresRead(
                    step_id=step.id,
                    text=step.text,
                    reached=found.reached if found else 0,
                    answers=[
                        AnswerFiguresRead(
                            answer_id=a.id,
                            text=a.text,
                            chosen=chosen[a.id].chosen if a.id in chosen else 0,
                            by_outcome={
                                ScriptOutcome(k): v
                                for k, v in (
                                    chosen[a.id].by_outcome if a.id in chosen else {}
                                ).items()
                            },
                        )
                        for a in step.answers
                    ],
                )
            )
        return cls(
            script_id=view.script.id,
            date_from=view.first_day,
            date_to=view.last_day,
            runs=view.report.runs,
            by_outcome={ScriptOutcome(k): v for k, v in view.report.by_outcome.items()},
            steps=steps,
        )
