"""Call review (issue 14, item 3): a head lists the calls of their team with the recordings,
marks one reviewed with a score and a comment (replacing an earlier word, audited, sent to
webhooks); a seller sees only their own calls and may not review; another team's or another
organisation's call is not found. Talk time is reported per client, per deal and on the
deals that are stale now."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.tables.telephony import calls
from tests.api.deals.support import create_deal, create_funnel
from tests.api.intake.support import API
from tests.factories import Factory, Org, Session, User

CALLS = f"{API}/intake/calls"


async def _call(factory: Factory, org: Org, employee: User | None, **values: Any) -> UUID:
    """A call as the telephony step stores it from a PBX's events."""
    ident = uuid.uuid4()
    row = {
        "id": ident,
        "organisation_id": org.id,
        "provider": "zadarma",
        "provider_call_id": f"in_{ident.hex}",
        "direction": "inbound",
        "result": "answered",
        "started_at": datetime.now(UTC) - timedelta(hours=1),
        "talk_seconds": 60,
        "employee_id": employee.id if employee else None,
        **values,
    }
    async with factory.container.engine.begin() as conn:
        await conn.execute(sa.insert(calls).values(row))
    return ident


async def _listed(factory: Factory, session: Session, query: str = "") -> list[dict[str, Any]]:
    got = await factory.client.get(f"{CALLS}{query}", headers=session.headers)
    assert got.status_code == 200, got.text
    return list(got.json()["items"])


async def _review(
    factory: Factory, session: Session, call_id: UUID, body: dict[str, Any], status: int = 200
) -> dict[str, Any]:
    got = await factory.client.put(f"{CALLS}/{call_id}/review", json=body, headers=session.headers)
    assert got.status_code == status, got.text
    return dict(got.json())


async def _team(factory: Factory) -> tuple[Org, Session, Session, User, User]:
    """An organisation with a head, their seller, and a seller of another department."""
    org, admin = await factory.admin_session()
    team = await factory.department(org)
    other_team = await factory.department(org)
    head = await factory.user(org, "head_of_sales", department=team)
    seller = await factory.user(org, "seller", department=team, full_name="Антон Продавец")
    stranger = await factory.user(org, "seller", department=other_team)
    return org, await factory.login(head), admin, seller, stranger


class TestCallReview:
    async def test_a_head_reviews_a_team_call_and_a_second_review_replaces_the_first(
        self, factory: Factory
    ) -> None:
        org, head, admin, seller, stranger = await _team(factory)
        mine = await _call(factory, org, seller, talk_seconds=95)
        theirs = await _call(factory, org, stranger)

        listed = await _listed(factory, head)
        assert [c["id"] for c in listed] == [str(mine)]
        assert listed[0]["review"] is None

        done = await _review(
            factory, head, mine, {"score": 4, "comment": "Хорошо выявил потребность,\nно без КП"}
        )
        assert done["review"]["score"] == 4
        assert done["review"]["comment"] == "Хорошо выявил потребность,\nно без КП"
        assert done["review"]["reviewer_id"] == str(head.user.id)

        again = await _review(factory, head, mine, {"score": 2, "comment": "Пересмотрел"})
        assert (again["review"]["score"], again["review"]["comment"]) == (2, "Пересмотрел")
        reviewed = await _listed(factory, head, "?reviewed=true")
        assert [(c["id"], c["review"]["score"]) for c in reviewed] == [(str(mine), 2)]
        assert await _listed(factory, head, "?reviewed=false") == []

        # The other department's call is not the head's to hear or score.
        await _review(factory, head, theirs, {"score": 5}, status=404)
        # The administrator (intake manager) hears and scores every call.
        assert {c["id"] for c in await _listed(factory, admin)} == {str(mine), str(theirs)}
        await _review(factory, admin, theirs, {"score": 5})

        async with factory.container.engine.connect() as conn:
            audited = (
                await conn.execute(
                    sa.text(
                        "SELECT changes FROM audit_entries WHERE organisation_id = :o "
                        "AND entity_id = :c AND action = 'review' ORDER BY at"
                    ),
                    {"o": org.id, "c": mine},
                )
            ).all()
            sent = (
                await conn.execute(
                    sa.text(
                        "SELECT payload FROM outbox_events WHERE organisation_id = :o "
                        "AND name = 'call.reviewed' ORDER BY occurred_at"
                    ),
                    {"o": org.id},
                )
            ).all()
        assert [row.changes["score"]["after"] for row in audited] == [4, 2]
        assert [row.payload["score"] for row in sent] == [4, 2, 5]
        assert sent[0].payload["employee_id"] == str(seller.id)

    async def test_the_same_review_again_changes_nothing(self, factory: Factory) -> None:
        org, head, _, seller, _ = await _team(factory)
        call = await _call(factory, org, seller)
        first = await _review(factory, head, call, {"score": 3, "comment": "норм"})
        second = await _review(factory, head, call, {"score": 3, "comment": " норм "})
        assert second["review"]["reviewed_at"] == first["review"]["reviewed_at"]
        async with factory.container.engine.connect() as conn:
            count = await conn.scalar(
                sa.text(
                    "SELECT count(*) FROM outbox_events WHERE organisation_id = :o "
                    "AND name = 'call.reviewed'"
                ),
                {"o": org.id},
            )
        assert count == 1

    async def test_a_seller_lists_only_their_own_calls_and_may_not_review(
        self, factory: Factory
    ) -> None:
        org, _, _, seller, stranger = await _team(factory)
        mine = await _call(factory, org, seller)
        await _call(factory, org, stranger)
        session = await factory.login(seller)
        assert [c["id"] for c in await _listed(factory, session)] == [str(mine)]
        got = await factory.client.put(
            f"{CALLS}/{mine}/review", json={"score": 5}, headers=session.headers
        )
        assert got.status_code == 403
        assert got.headers["content-type"].startswith("application/problem+json")

    async def test_another_organisations_call_is_not_found(self, factory: Factory) -> None:
        _, head, _, _, _ = await _team(factory)
        other_org, _ = await factory.admin_session()
        foreign = await _call(factory, other_org, other_org.admin)
        await _review(factory, head, foreign, {"score": 5}, status=404)
        assert await _listed(factory, head) == []

    async def test_bad_reviews_name_the_field(self, factory: Factory) -> None:
        org, head, _, seller, _ = await _team(factory)
        call = await _call(factory, org, seller)
        for body, field in (
            ({"score": 0}, "score"),
            ({"score": 6}, "score"),
            ({"score": 3.5}, "score"),
            ({"score": 3, "comment": "x" * 2001}, "comment"),
            ({"score": 3, "comment": "a\x00b"}, "comment"),
            ({}, "score"),
        ):
            got = await factory.client.put(
                f"{CALLS}/{call}/review", json=body, headers=head.headers
            )
            assert got.status_code == 422, (body, got.text)
            assert got.headers["content-type"].startswith("application/problem+json")
            assert field in got.text, (body, got.text)
        in_progress = await _call(factory, org, seller, result="in_progress", talk_seconds=None)
        got = await factory.client.put(
            f"{CALLS}/{in_progress}/review", json={"score": 3}, headers=head.headers
        )
        assert got.status_code == 422, got.text

    async def test_filters_by_owner_deal_and_recording(self, factory: Factory) -> None:
        org, head, admin, seller, _ = await _team(factory)
        colleague = await factory.user(org, "seller", department=None)
        await create_funnel(factory, admin)
        deal = await create_deal(factory, head)
        on_deal = await _call(
            factory,
            org,
            seller,
            deal_id=UUID(deal["id"]),
            client_id=UUID(deal["client_id"]),
            recording_status="stored",
            recording_key="k",
        )
        plain = await _call(factory, org, seller)
        await _call(factory, org, colleague)
        by_deal = await _listed(factory, head, f"?deal_id={deal['id']}")
        assert [c["id"] for c in by_deal] == [str(on_deal)]
        recorded = await _listed(factory, head, "?with_recording=true")
        assert [c["id"] for c in recorded] == [str(on_deal)]
        by_owner = await _listed(factory, head, f"?owner_id={seller.id}&limit=1")
        assert len(by_owner) == 1
        assert {c["id"] for c in await _listed(factory, head, f"?owner_id={seller.id}")} == {
            str(on_deal),
            str(plain),
        }


class TestTalkTime:
    async def test_talk_time_per_client_per_deal_and_on_stale_deals(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        stale = await create_deal(factory, admin, funnel_id=funnel["id"], title="Зависшая")
        fresh = await create_deal(factory, admin, funnel_id=funnel["id"], title="Свежая")
        async with factory.container.engine.begin() as conn:
            # The first stage allows 5 days: this one entered it 9 days ago.
            await conn.execute(
                sa.text(
                    "UPDATE deals SET stage_entered_at = now() - interval '9 days' WHERE id = :d"
                ),
                {"d": stale["id"]},
            )
        for deal, seconds in ((stale, 120), (stale, 30), (fresh, 45)):
            await _call(
                factory,
                org,
                org.admin,
                deal_id=UUID(deal["id"]),
                client_id=UUID(deal["client_id"]),
                talk_seconds=seconds,
            )

        async def report(group: str) -> dict[str, Any]:
            got = await factory.client.get(
                f"{API}/intake/reports/calls?group_by={group}", headers=admin.headers
            )
            assert got.status_code == 200, got.text
            return dict(got.json())

        by_deal = {r["label"]: r["talk_seconds"] for r in (await report("deal"))["rows"]}
        assert by_deal == {"Зависшая": 150, "Свежая": 45}
        by_client = {
            r["key"]: (r["calls"], r["talk_seconds"]) for r in (await report("client"))["rows"]
        }
        assert by_client == {stale["client_id"]: (2, 150), fresh["client_id"]: (1, 45)}
        on_stale = await report("stale_deal")
        assert [(r["label"], r["talk_seconds"]) for r in on_stale["rows"]] == [("Зависшая", 150)]
        assert on_stale["total"]["talk_seconds"] == 150
