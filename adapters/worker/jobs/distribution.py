"""Escalating leads nobody took: every minute, an open lead left unassigned past its
``escalate_at`` goes to a head (idempotent: each lead once, claimed with SKIP LOCKED)."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.intake.distribution_services import LeadEscalation


async def escalate_leads(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    return await LeadEscalation(container.uow, container.clock).run()


LEAD_ESCALATION = cron(escalate_leads, second=30, run_at_startup=True, unique=True, timeout=300)
