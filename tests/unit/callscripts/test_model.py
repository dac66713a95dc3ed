"""Call scripts as graphs, and runs checked against them, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.callscripts.model import (
    Answer,
    CallScript,
    PathEntry,
    ScriptOutcome,
    ScriptRun,
    Step,
)
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def end(answer_id: str, outcome: ScriptOutcome) -> Answer:
    return Answer(id=answer_id, text=answer_id, outcome=outcome)


def go(answer_id: str, to: str) -> Answer:
    return Answer(id=answer_id, text=answer_id, next_step_id=to)


def script(*steps: Step, start: str | None = None) -> CallScript:
    return CallScript(organisation_id=uuid.uuid4(), name="Скрипт", start_step_id=start, steps=steps)


def locs(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str | int, ...]]:
    return [p.loc for p in error.value.problems]


GREETING = Step(id="hi", text="Здравствуйте", answers=(go("ok", "ask"),))
ASK = Step(
    id="ask",
    text="Интересно?",
    answers=(end("yes", ScriptOutcome.INTERESTED), go("later", "hi")),
)


class TestGraph:
    def test_the_first_step_starts_and_loops_with_an_exit_are_fine(self) -> None:
        made = script(GREETING, ASK)
        assert made.start_step_id == "hi"

    def test_a_step_no_answer_reaches_is_refused(self) -> None:
        lost = Step(id="lost", text="?", answers=(end("x", ScriptOutcome.NO_DECISION),))
        with pytest.raises(InvalidInput) as error:
            script(GREETING, ASK, lost)
        assert locs(error) == [("steps", 2, "id")]

    def test_a_loop_without_an_exit_is_refused(self) -> None:
        a = Step(id="a", text="A", answers=(go("1", "b"),))
        b = Step(id="b", text="B", answers=(go("1", "a"),))
        with pytest.raises(InvalidInput) as error:
            script(a, b)
        assert locs(error) == [("steps", 0, "answers"), ("steps", 1, "answers")]

    def test_an_answer_leads_on_or_ends_not_both(self) -> None:
        both = Answer(id="x", text="x", next_step_id="hi", outcome=ScriptOutcome.INTERESTED)
        with pytest.raises(InvalidInput) as error:
            script(Step(id="hi", text="?", answers=(both,)))
        assert locs(error) == [("steps", 0, "answers", 0, "next_step_id")]


class TestRun:
    def entries(self, *pairs: tuple[str, str | None]) -> tuple[PathEntry, ...]:
        return tuple(
            PathEntry(s, a, NOW - timedelta(minutes=5) + timedelta(seconds=i))
            for i, (s, a) in enumerate(pairs)
        )

    def test_the_ending_answer_gives_the_outcome(self) -> None:
        made = script(GREETING, ASK)
        path = self.entries(("hi", "ok"), ("ask", "later"), ("hi", "ok"), ("ask", "yes"))
        run = ScriptRun.finish(made, path=path, outcome=None, now=NOW, user_id=None)
        assert run.outcome is ScriptOutcome.INTERESTED
        assert (run.started_at, run.finished_at) == (path[0].at, NOW)

    def test_a_step_the_answer_does_not_lead_to_is_refused(self) -> None:
        made = script(GREETING, ASK)
        with pytest.raises(InvalidInput) as error:
            ScriptRun.finish(
                made,
                path=self.entries(("hi", "ok"), ("hi", None)),
                outcome=ScriptOutcome.NO_DECISION,
                now=NOW,
                user_id=None,
            )
        assert locs(error) == [("path", 1, "step_id")]

    def test_a_call_that_ended_mid_script_names_its_outcome(self) -> None:
        made = script(GREETING, ASK)
        with pytest.raises(InvalidInput) as error:
            ScriptRun.finish(
                made, path=self.entries(("hi", None)), outcome=None, now=NOW, user_id=None
            )
        assert locs(error) == [("outcome",)]
