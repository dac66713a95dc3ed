"""The scoring rules of karma, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.karma.model import (
    DEFAULT_RULES,
    EntryKind,
    Fact,
    FlagKind,
    KarmaEntry,
    KarmaFlag,
    KarmaRule,
    RuleKind,
    RuleSet,
    SourceKind,
    score_facts,
)
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def fact(kind: RuleKind, amount: str | None = None) -> Fact:
    return Fact(
        uuid4(), kind, SourceKind.DEAL, uuid4(), NOW, None if amount is None else Decimal(amount)
    )


class TestKarmaRule:
    def test_money_rules_count_per_unit_rounded_to_the_cent(self) -> None:
        rule = KarmaRule(RuleKind.TURNOVER, Decimal(3), Decimal(1000))
        assert rule.points(Decimal(2500)) == Decimal("7.50")
        assert rule.points(Decimal(1)) == Decimal("0.00")

    def test_event_rules_count_their_weight(self) -> None:
        assert KarmaRule(RuleKind.LOST_TENDER, Decimal(-10)).points() == Decimal("-10.00")

    def test_a_money_rule_needs_a_positive_unit(self) -> None:
        with pytest.raises(InvalidInput):
            KarmaRule(RuleKind.PROFIT, Decimal(1))
        with pytest.raises(InvalidInput):
            KarmaRule(RuleKind.PROFIT, Decimal(1), Decimal(0))

    def test_an_event_rule_has_no_unit_and_the_weight_is_bounded(self) -> None:
        with pytest.raises(InvalidInput):
            KarmaRule(RuleKind.PUBLIC_CONFLICT, Decimal(-1), Decimal(10))
        with pytest.raises(InvalidInput):
            KarmaRule(RuleKind.PUBLIC_CONFLICT, Decimal(-10_001))


class TestRuleSet:
    def test_the_defaults_cover_every_kind_at_version_zero(self) -> None:
        rules = RuleSet.of(())
        assert set(rules.rules) == set(RuleKind)
        assert rules.version == 0
        assert list(rules.rules.values()) == list(DEFAULT_RULES)

    def test_a_change_keeps_the_kinds_not_given_and_moves_the_version(self) -> None:
        changed = RuleSet.of(()).changed([KarmaRule(RuleKind.LOST_TENDER, Decimal(-3))])
        assert changed.version == 1
        assert changed[RuleKind.LOST_TENDER].weight == Decimal(-3)
        assert changed[RuleKind.PUBLIC_CONFLICT] == RuleSet.of(())[RuleKind.PUBLIC_CONFLICT]

    def test_a_kind_given_twice_is_refused(self) -> None:
        rule = KarmaRule(RuleKind.LOST_TENDER, Decimal(-3))
        with pytest.raises(InvalidInput):
            RuleSet.of(()).changed([rule, rule])


class TestScoreFacts:
    def test_each_fact_is_worth_its_rule_and_worthless_ones_make_no_entry(self) -> None:
        org = uuid4()
        rules = RuleSet.of([KarmaRule(RuleKind.LOSS_MAKING, Decimal(0))])
        facts = [
            fact(RuleKind.TURNOVER, "250000"),
            fact(RuleKind.PROFIT, "5000"),
            fact(RuleKind.LOST_TENDER),
            fact(RuleKind.LOSS_MAKING),
        ]
        scored = score_facts(org, rules, facts)
        assert [(e.kind, e.points) for e in scored] == [
            (EntryKind.TURNOVER, Decimal("2.50")),
            (EntryKind.PROFIT, Decimal("0.50")),
            (EntryKind.LOST_TENDER, Decimal("-10.00")),
        ]
        assert scored[0].source_id == facts[0].source_id

    def test_scoring_twice_gives_the_same_keys(self) -> None:
        facts = [fact(RuleKind.LOST_TENDER)]
        first, again = (score_facts(uuid4(), RuleSet.of(()), facts) for _ in range(2))
        key = [(e.source_kind, e.source_id, e.kind, e.points) for e in first]
        assert key == [(e.source_kind, e.source_id, e.kind, e.points) for e in again]


class TestAdjustment:
    def _make(self, points: str, reason: str) -> KarmaEntry:
        return KarmaEntry.adjustment(
            organisation_id=uuid4(),
            client_id=uuid4(),
            points=Decimal(points),
            reason=reason,
            by=uuid4(),
            at=NOW,
        )

    def test_an_adjustment_is_its_own_source_with_a_clean_reason(self) -> None:
        entry = self._make("-4.555", "  Сорвал встречу  ")
        assert (entry.kind, entry.points, entry.reason) == (
            EntryKind.MANUAL,
            Decimal("-4.56"),
            "Сорвал встречу",
        )
        assert (entry.source_kind, entry.source_id) == (SourceKind.MANUAL, entry.id)

    @pytest.mark.parametrize(("points", "reason"), [("0", "x"), ("10001", "x"), ("1", "  ")])
    def test_zero_too_many_points_or_no_reason_is_refused(self, points: str, reason: str) -> None:
        with pytest.raises(InvalidInput):
            self._make(points, reason)


class TestFlag:
    def test_a_flag_is_on_a_client_or_a_deal(self) -> None:
        with pytest.raises(ValueError, match="client or on a deal"):
            KarmaFlag(organisation_id=uuid4(), kind=FlagKind.LOSS_MAKING, created_at=NOW)
