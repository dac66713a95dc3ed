"""A branching call script, validated as a graph, and a run of it.

A script has steps: something to ask or to say. Each step offers answers (or objections the
other side raises); an answer leads to another step of the same script or ends the script with
an outcome. The script starts at its start step; every step must be reachable from it and must
be able to lead to an end, so the player never shows a dead step or loops without a way out.

A run is the path an employee took through a script during a call (steps and the answers
chosen, each with its time) and its final outcome. The path is checked against the script as
it is when the run is saved: it starts at the start step and each answer leads to the step
that follows it. A call may end before the script does (the client hung up): the last step
then has no answer and the outcome is whatever the employee chose.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.shared.errors import AT_MOST_CODE, FieldProblem, InvalidInput
from domain.shared.ids import new_id
from domain.shared.text import clean_name, clean_text

NAME_MAX = 200
STEP_TEXT_MAX = 2000
ANSWER_TEXT_MAX = 300
KEY_MAX = 40
MAX_STEPS = 100
MAX_ANSWERS = 10
MAX_PATH = 200
MAX_STAGES = 100
MAX_CALL_LISTS = 100
# How far ahead of the server's clock a path's times may be (the browser's clock drifts).
CLOCK_SKEW = timedelta(minutes=5)
# How long a run may have taken.
RUN_MAX = timedelta(hours=12)
REPORT_MAX_DAYS = 366
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class StepKind(enum.StrEnum):
    QUESTION = "question"
    STATEMENT = "statement"


class AnswerKind(enum.StrEnum):
    ANSWER = "answer"
    OBJECTION = "objection"


class ScriptOutcome(enum.StrEnum):
    """How a script ends; the first four are call list outcomes of the same name, so ending a
    script on a call list number presets the outcome the telemarketer records."""

    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    CALL_BACK = "call_back"
    WRONG_NUMBER = "wrong_number"
    NO_DECISION = "no_decision"


def _key(value: str, loc: tuple[str | int, ...]) -> str:
    if not KEY_PATTERN.match(value):
        raise InvalidInput(loc, "1 to 40 letters, digits, '_' or '-'")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    id: str
    text: str
    kind: AnswerKind = AnswerKind.ANSWER
    # Exactly one of the two: the step it leads to, or the outcome it ends with.
    next_step_id: str | None = None
    outcome: ScriptOutcome | None = None

    @property
    def ends(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    id: str
    kind: StepKind = StepKind.QUESTION
    text: str
    answers: tuple[Answer, ...]

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


def _clean_answer(answer: Answer, loc: tuple[str | int, ...]) -> Answer:
    text = clean_name(answer.text, (*loc, "text"), max_length=ANSWER_TEXT_MAX)
    _key(answer.id, (*loc, "id"))
    if (answer.next_step_id is None) == (answer.outcome is None):
        raise InvalidInput(
            (*loc, "next_step_id"), "give either the next step or the outcome that ends the script"
        )
    return Answer(
        id=answer.id,
        text=text,
        kind=answer.kind,
        next_step_id=answer.next_step_id,
        outcome=answer.outcome,
    )


def _clean_step(step: Step, loc: tuple[str | int, ...]) -> Step:
    _key(step.id, (*loc, "id"))
    text = clean_text(step.text, (*loc, "text"), max_length=STEP_TEXT_MAX, multiline=True)
    if not step.answers:
        raise InvalidInput((*loc, "answers"), "give at least one answer")
    if len(step.answers) > MAX_ANSWERS:
        raise InvalidInput(
            (*loc, "answers"),
            f"at most {MAX_ANSWERS} answers a step",
            code=AT_MOST_CODE,
            ctx={"le": str(MAX_ANSWERS)},
        )
    answers = tuple(_clean_answer(a, (*loc, "answers", j)) for j, a in enumerate(step.answers))
    seen: set[str] = set()
    for j, answer in enumerate(answers):
        if answer.id in seen:
            raise InvalidInput((*loc, "answers", j, "id"), "another answer of the step has this id")
        seen.add(answer.id)
    return Step(id=step.id, kind=step.kind, text=text, answers=answers)


def validate_graph(
    start_step_id: str | None, steps: tuple[Step, ...]
) -> tuple[str, tuple[Step, ...]]:
    """The steps cleaned and checked as a graph, and the start step (the first when none is
    named). Raises InvalidInput naming the first field at fault, under ``steps``."""
    if not steps:
        raise InvalidInput("steps", "give at least one step")
    if len(steps) > MAX_STEPS:
        raise InvalidInput(
            "steps", f"at most {MAX_STEPS} steps", code=AT_MOST_CODE, ctx={"le": str(MAX_STEPS)}
        )
    cleaned = tuple(_clean_step(s, ("steps", i)) for i, s in enumerate(steps))
    index: dict[str, int] = {}
    for i, step in enumerate(cleaned):
        if step.id in index:
            raise InvalidInput(("steps", i, "id"), "another step has this id")
        index[step.id] = i
    for i, step in enumerate(cleaned):
        for j, answer in enumerate(step.answers):
            if answer.next_step_id is not None and answer.next_step_id not in index:
                raise InvalidInput(
                    ("steps", i, "answers", j, "next_step_id"), "no step of this script has this id"
                )
    start = start_step_id if start_step_id is not None else cleaned[0].id
    if start not in index:
        raise InvalidInput("start_step_id", "no step of this script has this id")
    # Reachable from the start.
    reached = {start}
    queue = deque([start])
    while queue:
        for answer in cleaned[index[queue.popleft()]].answers:
            target = answer.next_step_id
            if target is not None and target not in reached:
                reached.add(target)
                queue.append(target)
    problems = [
        FieldProblem(loc=("steps", i, "id"), msg="no answer leads here from the start step")
        for i, s in enumerate(cleaned)
        if s.id not in reached
    ]
    if problems:
        raise InvalidInput(problems=problems)
    # Able to end: walking the arrows backwards from the ending answers' steps.
    ending = {s.id for s in cleaned if any(a.ends for a in s.answers)}
    preceding: dict[str, set[str]] = {s.id: set() for s in cleaned}
    for step in cleaned:
        for answer in step.answers:
            if answer.next_step_id is not None:
                preceding[answer.next_step_id].add(step.id)
    can_end = set(ending)
    queue = deque(ending)
    while queue:
        for before in preceding[queue.popleft()]:
            if before not in can_end:
                can_end.add(before)
                queue.append(before)
    problems = [
        FieldProblem(loc=("steps", i, "answers"), msg="no answer from here ever ends the script")
        for i, s in enumerate(cleaned)
        if s.id not in can_end
    ]
    if problems:
        raise InvalidInput(problems=problems)
    return start, cleaned


@dataclass(slots=True, kw_only=True)
class CallScript:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    is_active: bool = True
    start_step_id: str | None = None
    steps: tuple[Step, ...] = ()
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, "name", max_length=NAME_MAX)
        self.start_step_id, self.steps = validate_graph(self.start_step_id, self.steps)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def replace(
        self, *, name: str, is_active: bool, start_step_id: str | None, steps: tuple[Step, ...]
    ) -> None:
        """The whole script as the editor sends it, checked again."""
        self.name = clean_name(name, "name", max_length=NAME_MAX)
        self.start_step_id, self.steps = validate_graph(start_step_id, steps)
        self.is_active = is_active

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "is_active": self.is_active,
            "start_step_id": self.start_step_id,
            "steps": [step_json(s) for s in self.steps],
        }


def step_json(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "kind": step.kind.value,
        "text": step.text,
        "answers": [
            {
                "id": a.id,
                "kind": a.kind.value,
                "text": a.text,
                "next_step_id": a.next_step_id,
                "outcome": a.outcome.value if a.outcome else None,
            }
            for a in step.answers
        ],
    }


def step_of(data: dict[str, Any]) -> Step:
    return Step(
        id=data["id"],
        kind=StepKind(data["kind"]),
        text=data["text"],
        answers=tuple(
            Answer(
                id=a["id"],
                kind=AnswerKind(a["kind"]),
                text=a["text"],
                next_step_id=a.get("next_step_id"),
                outcome=ScriptOutcome(a["outcome"]) if a.get("outcome") else None,
            )
            for a in data["answers"]
        ),
    )


@dataclass(frozen=True, slots=True)
class PathEntry:
    """A step shown and the answer chosen on it (None: the call ended on this step)."""

    step_id: str
    answer_id: str | None
    at: datetime


@dataclass(slots=True, kw_only=True)
class ScriptRun:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    script_id: UUID
    script_version: int
    user_id: UUID | None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    call_list_id: UUID | None = None
    call_list_item_id: UUID | None = None
    call_id: UUID | None = None
    activity_id: UUID | None = None
    path: tuple[PathEntry, ...]
    outcome: ScriptOutcome
    started_at: datetime
    finished_at: datetime

    @classmethod
    def finish(
        cls,
        script: CallScript,
        *,
        path: tuple[PathEntry, ...],
        outcome: ScriptOutcome | None,
        now: datetime,
        user_id: UUID | None,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        call_list_id: UUID | None = None,
        call_list_item_id: UUID | None = None,
        call_id: UUID | None = None,
        activity_id: UUID | None = None,
    ) -> ScriptRun:
        """The run of ``path`` through ``script``, checked against it; ``outcome`` is the
        ending answer's (it may be omitted then) or, for a call that ended mid-script, the
        employee's."""
        final = check_path(script, path, now)
        last = path[-1]
        if last.answer_id is not None:
            ended = final.outcome
            if outcome is not None and outcome is not ended:
                raise InvalidInput(
                    "outcome", "must be the outcome of the answer that ended the script"
                )
            outcome = ended
        elif outcome is None:
            raise InvalidInput("outcome", "the script did not end: say how the call ended")
        assert outcome is not None
        return cls(
            organisation_id=script.organisation_id,
            script_id=script.id,
            script_version=script.version,
            user_id=user_id,
            client_id=client_id,
            deal_id=deal_id,
            call_list_id=call_list_id,
            call_list_item_id=call_list_item_id,
            call_id=call_id,
            activity_id=activity_id,
            path=path,
            outcome=outcome,
            started_at=path[0].at,
            finished_at=now,
        )


def check_path(script: CallScript, path: tuple[PathEntry, ...], now: datetime) -> Answer:
    """Checks ``path`` against the script and returns its last answer (an ending one), or a
    placeholder without outcome when the path stops on a step without an answer."""
    if not path:
        raise InvalidInput("path", "give at least the start step")
    if len(path) > MAX_PATH:
        raise InvalidInput(
            "path", f"at most {MAX_PATH} steps", code=AT_MOST_CODE, ctx={"le": str(MAX_PATH)}
        )
    if path[0].step_id != script.start_step_id:
        raise InvalidInput(("path", 0, "step_id"), "a run starts at the script's start step")
    previous_at: datetime | None = None
    last_answer = Answer(id="-", text="-", next_step_id="-")
    for i, entry in enumerate(path):
        if entry.at > now + CLOCK_SKEW or entry.at < now - RUN_MAX:
            raise InvalidInput(("path", i, "at"), "must lie within the last 12 hours")
        if previous_at is not None and entry.at < previous_at:
            raise InvalidInput(("path", i, "at"), "must not be before the step before it")
        previous_at = entry.at
        step = script.step(entry.step_id)
        if step is None:
            raise InvalidInput(("path", i, "step_id"), "no step of this script has this id")
        is_last = i == len(path) - 1
        if entry.answer_id is None:
            if not is_last:
                raise InvalidInput(
                    ("path", i, "answer_id"), "only the last step may lack an answer"
                )
            continue
        answer = step.answer(entry.answer_id)
        if answer is None:
            raise InvalidInput(("path", i, "answer_id"), "no answer of this step has this id")
        if answer.ends and not is_last:
            raise InvalidInput(
                ("path", i + 1, "step_id"), "the script ended with the answer before"
            )
        if not answer.ends and is_last:
            raise InvalidInput(
                ("path", i, "answer_id"), "this answer leads on: the next step is missing"
            )
        if not is_last and path[i + 1].step_id != answer.next_step_id:
            raise InvalidInput(
                ("path", i + 1, "step_id"), "is not the step the answer before leads to"
            )
        last_answer = answer
    return last_answer


@dataclass(frozen=True, slots=True)
class AnswerFigures:
    answer_id: str
    chosen: int
    by_outcome: dict[str, int]


@dataclass(frozen=True, slots=True)
class StepFigures:
    step_id: str
    reached: int
    answers: tuple[AnswerFigures, ...]


@dataclass(frozen=True, slots=True)
class ScriptReport:
    runs: int
    by_outcome: dict[str, int]
    steps: tuple[StepFigures, ...]
