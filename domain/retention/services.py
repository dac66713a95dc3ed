"""Retention use cases: the settings (ABC shares, sleeping days), the ABC report, the sleeping
clients and the cross-sell rules.

Reading follows the caller's scope: the ABC report counts the deals the caller sees (a seller
ranks their own clients, a head their department's, an admin everyone's); the sleeping list
holds the clients the caller sees. Changing settings and rules needs organisation:manage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.retention.model import (
    CROSS_SELL_RULES_MAX,
    AbcBasis,
    AbcClass,
    AbcReport,
    CrossSellReminder,
    CrossSellRule,
    Reactivation,
    RetentionSettings,
    SleepingClients,
)
from domain.retention.ports import AbcQuery, SleepingFilter
from domain.shared.clock import Clock, validate_day
from domain.shared.errors import (
    AT_MOST_CODE,
    Conflict,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from domain.staff.model import FulfilmentBasis, Organisation
from domain.staff.permissions import Permission, Resource

# The longest period an ABC report ranks (two years and a day, for a leap year).
ABC_MAX_DAYS = 731
ABC_DEFAULT_DAYS = 365
SWEEP_BATCH = 200


@dataclass(frozen=True, slots=True)
class AbcResult:
    basis: AbcBasis
    first_day: date
    last_day: date
    currency: str
    settings: RetentionSettings
    report: AbcReport


class RetentionService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # --- settings ----------------------------------------------------------------------

    async def get_settings(self, principal: Principal) -> RetentionSettings:
        async with self._uow as uow:
            return await _settings(uow, principal.organisation_id)

    async def change_settings(
        self,
        principal: Principal,
        *,
        abc_a_share: Decimal,
        abc_b_share: Decimal,
        sleeping_days: int,
        sleeping_days_by_segment: Mapping[str, int],
        expected_version: int | None,
    ) -> RetentionSettings:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            settings = await _settings(uow, principal.organisation_id)
            if expected_version is not None and expected_version != settings.version:
                raise PreconditionFailed("Settings were changed by someone else; reload them")
            before = _snapshot(settings)
            version = settings.version
            settings.change(
                abc_a_share=abc_a_share,
                abc_b_share=abc_b_share,
                sleeping_days=sleeping_days,
                sleeping_days_by_segment=sleeping_days_by_segment,
                at=now,
            )
            await uow.retention.save_settings(settings, version)
            settings.version = version + 1
            await record_change(
                uow,
                principal.user_id,
                organisation_id=principal.organisation_id,
                entity_type="retention_settings",
                entity_id=principal.organisation_id,
                action="update",
                before=before,
                after=_snapshot(settings),
                at=now,
            )
            await uow.commit()
            return settings

    # --- reports -----------------------------------------------------------------------

    async def abc(
        self,
        principal: Principal,
        *,
        basis: AbcBasis,
        first_day: date | None,
        last_day: date | None,
        abc_class: AbcClass | None,
        after_rank: int,
        limit: int,
    ) -> AbcResult:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            today = organisation.today(self._clock.now())
            last = validate_day(last_day, ("query", "to")) if last_day else today
            first = (
                validate_day(first_day, ("query", "from"))
                if first_day
                else last - timedelta(days=ABC_DEFAULT_DAYS - 1)
            )
            if first > last:
                raise InvalidInput(("query", "from"), "must not be after 'to'")
            if (last - first).days + 1 > ABC_MAX_DAYS:
                raise InvalidInput(
                    ("query", "from"),
                    f"the period must be at most {ABC_MAX_DAYS} days",
                    code=AT_MOST_CODE,
                    ctx={"le": str(ABC_MAX_DAYS)},
                )
            settings = await _settings(uow, organisation.id)
            zone = ZoneInfo(organisation.time_zone)
            end = last + timedelta(days=1)
            report = await uow.retention.abc(
                principal.scope_for(Resource.DEALS),
                AbcQuery(
                    basis=basis,
                    first_day=first,
                    end_day=end,
                    starts_at=datetime.combine(first, time(), zone),
                    ends_at=datetime.combine(end, time(), zone),
                    currency=organisation.currency,
                    turnover_from_payments=(
                        organisation.fulfilment_basis is FulfilmentBasis.PAID_INVOICES
                    ),
                    a_share=settings.abc_a_share,
                    b_share=settings.abc_b_share,
                    abc_class=abc_class,
                    after_rank=after_rank,
                    limit=limit,
                ),
            )
        return AbcResult(basis, first, last, organisation.currency, settings, report)

    async def sleeping(
        self,
        principal: Principal,
        filters: SleepingFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> SleepingClients:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            settings = await _settings(uow, principal.organisation_id)
            return await uow.retention.sleeping(
                principal.scope_for(Resource.CLIENTS),
                settings,
                self._clock.now(),
                filters,
                limit=limit,
                after=after,
            )

    # --- cross-sell rules --------------------------------------------------------------

    async def list_rules(self, principal: Principal) -> Sequence[CrossSellRule]:
        async with self._uow as uow:
            return await uow.retention.list_rules(principal.organisation_id)

    async def create_rule(
        self,
        principal: Principal,
        *,
        product_pattern: str,
        after_days: int,
        suggestion: str,
        is_active: bool,
    ) -> CrossSellRule:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        rule = CrossSellRule.new(
            organisation_id=principal.organisation_id,
            product_pattern=product_pattern,
            after_days=after_days,
            suggestion=suggestion,
            is_active=is_active,
            at=now,
            by=principal.user_id,
        )
        async with self._uow as uow:
            if await uow.retention.count_rules(principal.organisation_id) >= CROSS_SELL_RULES_MAX:
                raise Conflict(f"An organisation keeps at most {CROSS_SELL_RULES_MAX} rules")
            await uow.retention.add_rule(rule)
            await record_change(
                uow,
                principal,
                entity_type="cross_sell_rule",
                entity_id=rule.id,
                action="create",
                before=None,
                after=rule.snapshot(),
                at=now,
            )
            await uow.commit()
        return rule

    async def update_rule(
        self,
        principal: Principal,
        rule_id: UUID,
        *,
        product_pattern: str | None,
        after_days: int | None,
        suggestion: str | None,
        is_active: bool | None,
        expected_version: int | None,
    ) -> CrossSellRule:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            rule = await _rule(uow, principal, rule_id)
            version = rule.version if expected_version is None else expected_version
            before = rule.snapshot()
            rule.change(
                product_pattern=product_pattern,
                after_days=after_days,
                suggestion=suggestion,
                is_active=is_active,
                at=now,
            )
            await uow.retention.update_rule(rule, version)
            await record_change(
                uow,
                principal,
                entity_type="cross_sell_rule",
                entity_id=rule.id,
                action="update",
                before=before,
                after=rule.snapshot(),
                at=now,
            )
            await uow.commit()
        return rule

    async def delete_rule(
        self, principal: Principal, rule_id: UUID, *, expected_version: int | None
    ) -> None:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            rule = await _rule(uow, principal, rule_id)
            if expected_version is not None and expected_version != rule.version:
                raise PreconditionFailed("The rule was changed by someone else; reload it")
            await uow.retention.delete_rule(rule.organisation_id, rule.id)
            await record_change(
                uow,
                principal,
                entity_type="cross_sell_rule",
                entity_id=rule.id,
                action="delete",
                before=rule.snapshot(),
                after=None,
                at=now,
            )
            await uow.commit()


@dataclass(frozen=True, slots=True)
class SweepResult:
    reactivations: int
    cross_sells: int


class RetentionSweep:
    """The daily job: a reactivation task for every client that fell asleep, a cross-sell
    task for every won deal whose rule's day has come. Idempotent: a sleep (until the next
    purchase) is woken once, a rule reminds of a deal once, however often it runs."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def run(self, *, max_batches: int = 50) -> SweepResult:
        now = self._clock.now()
        async with self._uow as uow:
            organisation_ids = list(await uow.retention.organisation_ids())
        woken = reminded = 0
        for organisation_id in organisation_ids:
            woken += await self._wake(organisation_id, now, max_batches)
            reminded += await self._remind(organisation_id, now, max_batches)
        return SweepResult(reactivations=woken, cross_sells=reminded)

    async def _wake(self, organisation_id: UUID, now: datetime, max_batches: int) -> int:
        woken = 0
        for _ in range(max_batches):
            async with self._uow as uow:
                settings = await _settings(uow, organisation_id)
                batch = await uow.retention.unwoken_sleepers(settings, now, limit=SWEEP_BATCH)
                for sleeper in batch:
                    woken += await uow.retention.add_reactivation(Reactivation.of(sleeper, now))
                await uow.commit()
            if len(batch) < SWEEP_BATCH:
                break
        return woken

    async def _remind(self, organisation_id: UUID, now: datetime, max_batches: int) -> int:
        reminded = 0
        async with self._uow as uow:
            rules = await uow.retention.list_rules(organisation_id, active_only=True)
        for rule in rules:
            for _ in range(max_batches):
                async with self._uow as uow:
                    batch = await uow.retention.cross_sell_candidates(rule, now, limit=SWEEP_BATCH)
                    for candidate in batch:
                        reminder = CrossSellReminder.of(rule, candidate, now)
                        reminded += await uow.retention.add_cross_sell_reminder(reminder)
                    await uow.commit()
                if len(batch) < SWEEP_BATCH:
                    break
        return reminded


async def _settings(uow: UnitOfWork, organisation_id: UUID) -> RetentionSettings:
    found = await uow.retention.settings(organisation_id)
    return found or RetentionSettings(organisation_id=organisation_id)


async def _organisation(uow: UnitOfWork, organisation_id: UUID) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("Organisation", organisation_id)
    return organisation


async def _rule(uow: UnitOfWork, principal: Principal, rule_id: UUID) -> CrossSellRule:
    rule = await uow.retention.get_rule(principal.organisation_id, rule_id)
    if rule is None:
        raise NotFound("Cross-sell rule", rule_id)
    return rule


def _snapshot(settings: RetentionSettings) -> dict[str, object]:
    return {
        "abc_a_share": str(settings.abc_a_share),
        "abc_b_share": str(settings.abc_b_share),
        "sleeping_days": settings.sleeping_days,
        "sleeping_days_by_segment": dict(settings.sleeping_days_by_segment),
    }
