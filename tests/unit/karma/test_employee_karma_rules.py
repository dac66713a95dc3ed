"""Employee karma's rules on their own: the own score from the criteria, and a head's karma
as the mean of the direct team's up the department tree."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from domain.karma.employees import (
    DEFAULT_WEIGHTS,
    EmployeeFacts,
    Staffing,
    bonus,
    karma_scores,
    own_score,
)


def test_the_own_score_weighs_each_fact() -> None:
    facts = EmployeeFacts(
        won_deals=3,
        upsells=1,
        promoters=2,
        detractors=1,
        overdue_tasks=4,
        plan_percent=Decimal("75.0"),
    )
    # 30 + 5 + 6 - 3 - 8 + 15
    assert own_score(facts, DEFAULT_WEIGHTS) == Decimal("45.00")
    assert own_score(EmployeeFacts(), DEFAULT_WEIGHTS) == Decimal("0.00")


def test_a_head_is_the_mean_of_the_team_and_heads_below_bring_theirs() -> None:
    director, head, a, b, c = (uuid4() for _ in range(5))
    top, sales, sub = uuid4(), uuid4(), uuid4()
    staffing = Staffing(
        department_of={director: top, head: sales, a: sales, b: sales, c: sub},
        parent_of={top: None, sales: top, sub: sales},
        head_of={top: director, sales: head, sub: None},
    )
    own: dict[UUID, Decimal] = {
        director: Decimal(99),
        head: Decimal(50),
        a: Decimal(10),
        b: Decimal(20),
        c: Decimal(30),
    }
    scores = karma_scores(own, staffing)
    # sub has no head of its own: c is on head's team.
    assert sorted(staffing.team(head), key=str) == sorted([a, b, c], key=str)
    assert scores[head] == Decimal("20.00")
    # The director's team is the head below, who brings the team's mean.
    assert staffing.team(director) == [head]
    assert scores[director] == Decimal("20.00")
    assert scores[a] == Decimal(10)


def test_a_head_without_a_team_keeps_their_own_score_and_bonus_is_never_negative() -> None:
    head, department = uuid4(), uuid4()
    staffing = Staffing(
        department_of={head: department}, parent_of={department: None}, head_of={department: head}
    )
    assert karma_scores({head: Decimal(7)}, staffing)[head] == Decimal(7)
    assert bonus(Decimal("-5"), Decimal(100)) == Decimal("0.00")
    assert bonus(Decimal("2.5"), Decimal("10.10")) == Decimal("25.25")
