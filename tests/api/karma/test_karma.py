"""Client karma through HTTP (issue 12, item 7): entries follow deals, invoices and flags by
the organisation's rules, an event delivered twice changes nothing, changing the rules
recalculates every client in a job, manual adjustments need karma:manage and a reason, a client
without entries expects its sector's average, and nobody sees the karma of a client they
cannot see."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.deals.events import DealLost
from domain.karma.subscribers import KarmaSubscriber
from domain.shared.scope import Visibility
from domain.staff.model import Role
from domain.staff.permissions import Permission, Resource
from tests.api.deals.support import API, create_client, create_deal, error_locs, json_of, teams
from tests.api.karma.support import basis, entries, karma, lose, score, set_rules, win
from tests.factories import Factory, Org, Session
from tests.worker import drain_queue


class TestLostTender:
    async def test_a_lost_tender_lowers_the_karma_by_the_weight_and_shows_in_history(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        await set_rules(factory, w.admin, [{"kind": "lost_tender", "weight": "-15"}])
        client = await create_client(factory, w.seller)
        deal = await create_deal(factory, w.seller, client_id=client["id"], amount="500")
        lost = await lose(factory, w.seller, deal, lost_tender=True)
        view = await karma(factory, w.seller, client["id"])
        assert score(view) == Decimal(-15)
        assert view["entries"] == 1
        assert [(p["change"], p["score"]) for p in view["history"]] == [("-15.00", "-15.00")]
        [entry] = await entries(factory, w.seller, client["id"])
        assert (entry["kind"], entry["points"], entry["source_kind"], entry["source_id"]) == (
            "lost_tender",
            "-15.00",
            "deal",
            deal["id"],
        )

        # The same event delivered again changes nothing.
        event = DealLost(
            organisation_id=w.org.id,
            occurred_at=datetime.now(UTC),
            deal_id=UUID(deal["id"]),
            client_id=UUID(client["id"]),
            stage_id=UUID(lost["stage_id"]),
            loss_reason_id=UUID(lost["loss_reason_id"]),
            lost_tender=True,
            loss_making=False,
            public_conflict=False,
        )
        subscriber = KarmaSubscriber(factory.container.uow)
        await subscriber(event)
        await subscriber(event)
        again = await karma(factory, w.seller, client["id"])
        assert (score(again), again["entries"]) == (Decimal(-15), 1)

    async def test_reopening_the_deal_takes_the_entry_back(self, factory: Factory) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        deal = await create_deal(factory, w.seller, client_id=client["id"])
        await lose(factory, w.seller, deal, lost_tender=True, public_conflict=True)
        assert score(await karma(factory, w.seller, client["id"])) == Decimal(-40)
        json_of(
            await factory.client.post(f"{API}/deals/{deal['id']}/reopen", headers=w.seller.headers),
            200,
        )
        view = await karma(factory, w.seller, client["id"])
        assert (view["score"], view["entries"]) == (None, 0)


class TestMoneyPoints:
    async def test_a_won_deal_adds_turnover_and_profit_by_the_weights(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        await basis(factory, w.admin, "won_deals")
        await set_rules(
            factory,
            w.admin,
            [
                {"kind": "turnover", "weight": "2", "per_unit": "1000"},
                {"kind": "profit", "weight": "1", "per_unit": "100"},
            ],
        )
        client = await create_client(factory, w.seller)
        deal = await create_deal(
            factory, w.seller, client_id=client["id"], amount="5000", expected_margin="700"
        )
        # Another currency counts for nothing.
        foreign = await create_deal(
            factory, w.seller, client_id=client["id"], amount="9000", currency="USD"
        )
        await win(factory, w.seller, deal)
        await win(factory, w.seller, foreign)
        view = await karma(factory, w.seller, client["id"])
        assert score(view) == Decimal(10 + 7)
        kinds = {(e["kind"], e["points"]) for e in await entries(factory, w.seller, client["id"])}
        assert kinds == {("turnover", "10.00"), ("profit", "7.00")}

    async def test_a_paid_invoice_adds_turnover_when_the_organisation_counts_invoices(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        await set_rules(factory, w.admin, [{"kind": "turnover", "weight": "1", "per_unit": "100"}])
        client = await create_client(factory, w.seller)
        deal = await create_deal(factory, w.seller, client_id=client["id"], amount="900")
        deal = await win(factory, w.seller, deal)
        # Paid invoices are the default basis: the won deal's amount itself counts nothing.
        assert await entries(factory, w.seller, client["id"]) == []
        invoice = json_of(
            await factory.client.post(
                f"{API}/invoices",
                json={"deal_id": deal["id"], "amount": "300"},
                headers=w.seller.headers,
            ),
            201,
        )
        json_of(
            await factory.client.post(
                f"{API}/invoices/{invoice['id']}/payments",
                json={
                    "amount": "300",
                    "paid_on": datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat(),
                },
                headers=w.seller.headers,
            ),
            201,
        )
        view = await karma(factory, w.seller, client["id"])
        assert score(view) == Decimal(3)
        [entry] = await entries(factory, w.seller, client["id"])
        assert (entry["kind"], entry["source_kind"], entry["source_id"]) == (
            "turnover",
            "invoice",
            invoice["id"],
        )


class TestRecalculation:
    async def test_changing_the_rules_recalculates_every_client_in_a_job(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        first = await create_client(factory, w.seller)
        second = await create_client(factory, w.head)
        for client, session in ((first, w.seller), (second, w.head)):
            deal = await create_deal(factory, session, client_id=client["id"])
            await lose(factory, session, deal, lost_tender=True)
        assert score(await karma(factory, w.admin, first["id"])) == Decimal(-10)

        saved = await set_rules(factory, w.admin, [{"kind": "lost_tender", "weight": "-25"}])
        assert saved["version"] == 1
        job = saved["recalculation"]
        assert (job["kind"], job["status"]) == ("karma.recalculate", "queued")
        await drain_queue(factory.container)
        done = json_of(
            await factory.client.get(f"{API}/jobs/{job['id']}", headers=w.admin.headers), 200
        )
        assert (done["status"], done["progress"], done["result"]["clients"]) == ("done", 100, 2)
        for client in (first, second):
            assert score(await karma(factory, w.admin, client["id"])) == Decimal(-25)

    async def test_saving_rules_needs_karma_manage_and_the_current_version(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        rules = [{"kind": "public_conflict", "weight": "-5"}]
        await set_rules(factory, w.seller, rules, status=403)
        await set_rules(factory, w.admin, rules)
        stale = await factory.client.put(
            f"{API}/karma/rules",
            json={"rules": rules},
            headers={**w.admin.headers, "If-Match": '"v0"'},
        )
        assert stale.status_code == 412
        bad = await factory.client.put(
            f"{API}/karma/rules",
            json={"rules": [{"kind": "turnover", "weight": "1"}]},
            headers=w.admin.headers,
        )
        assert bad.status_code == 422
        assert ["per_unit"] in error_locs(bad) or ["body", "per_unit"] in error_locs(bad)


class TestManualAdjustment:
    async def test_needs_karma_manage_and_a_reason(self, factory: Factory) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        url = f"{API}/clients/{client['id']}/karma/adjustments"
        denied = await factory.client.post(
            url, json={"points": "5", "reason": "Помог с кейсом"}, headers=w.seller.headers
        )
        assert denied.status_code == 403
        missing = await factory.client.post(url, json={"points": "5"}, headers=w.admin.headers)
        assert missing.status_code == 422
        assert ["body", "reason"] in error_locs(missing)
        control = await factory.client.post(
            url, json={"points": "5", "reason": "плохо\u0000"}, headers=w.admin.headers
        )
        assert control.status_code == 422
        zero = await factory.client.post(
            url, json={"points": "0", "reason": "ничего"}, headers=w.admin.headers
        )
        assert zero.status_code == 422
        made = json_of(
            await factory.client.post(
                url, json={"points": "12.5", "reason": "Рекомендовал нас"}, headers=w.admin.headers
            ),
            201,
        )
        assert (made["kind"], made["points"], made["reason"]) == (
            "manual",
            "12.50",
            "Рекомендовал нас",
        )
        view = await karma(factory, w.seller, client["id"])
        assert score(view) == Decimal("12.5")
        assert view["history"][-1]["score"] == "12.50"
        # A rules change keeps manual entries.
        await set_rules(factory, w.admin, [{"kind": "lost_tender", "weight": "-1"}])
        assert score(await karma(factory, w.seller, client["id"])) == Decimal("12.5")

    async def test_the_author_is_the_caller_and_the_history_names_them_with_the_reason(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        keeper = await karma_keeper(factory, w.org)
        url = f"{API}/clients/{client['id']}/karma/adjustments"
        spoofed = await factory.client.post(
            url,
            json={"points": "3", "reason": "От имени админа", "created_by": str(w.admin.user.id)},
            headers=keeper.headers,
        )
        assert spoofed.status_code == 422
        assert ["body", "created_by"] in error_locs(spoofed)
        made = json_of(
            await factory.client.post(
                url, json={"points": "-4", "reason": "Сорвал сроки оплаты"}, headers=keeper.headers
            ),
            201,
        )
        author = (str(keeper.user.id), keeper.user.full_name)
        assert (made["created_by"], made["created_by_name"]) == author
        written = datetime.fromisoformat(made["created_at"])
        assert abs(datetime.now(UTC) - written).total_seconds() < 60
        # The client card's history, as the seller who owns the client reads it.
        history = await entries(factory, w.seller, client["id"])
        assert [
            (e["reason"], e["points"], e["created_by"], e["created_by_name"], e["created_at"])
            for e in history
        ] == [("Сорвал сроки оплаты", "-4.00", *author, made["created_at"])]


async def karma_keeper(factory: Factory, org: Org) -> Session:
    """A user whose custom role adjusts karma (karma:manage) for every client, nothing more."""
    role = Role.custom(
        org.id,
        name="Хранитель кармы",
        permissions=[Permission.KARMA_MANAGE, Permission.CLIENTS_READ],
        visibility={Resource.CLIENTS: Visibility.ALL},
    )
    async with factory.container.uow() as uow:
        await uow.roles.add(role)
        await uow.commit()
    org.roles["karma_keeper"] = role
    return await factory.login(await factory.user(org, "karma_keeper"))


class TestExpectedKarma:
    async def test_a_client_without_entries_expects_its_sectors_average(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        rated = [await create_client(factory, w.admin, sector="Стройка") for _ in range(2)]
        for client, points in zip(rated, ("10", "20"), strict=True):
            json_of(
                await factory.client.post(
                    f"{API}/clients/{client['id']}/karma/adjustments",
                    json={"points": points, "reason": "оценка"},
                    headers=w.admin.headers,
                ),
                201,
            )
        fresh = await create_client(factory, w.admin, sector="Стройка")
        view = await karma(factory, w.admin, fresh["id"])
        assert (view["score"], view["expected"], view["sector_average"]) == (
            None,
            "15.00",
            "15.00",
        )
        rated_view = await karma(factory, w.admin, rated[0]["id"])
        assert (rated_view["score"], rated_view["expected"]) == ("10.00", None)
        sectors = json_of(
            await factory.client.get(f"{API}/karma/sectors", headers=w.admin.headers), 200
        )
        assert sectors == [{"sector": "Стройка", "clients": 2, "average": "15.00"}]


class TestFlags:
    async def test_a_public_conflict_flag_adds_an_entry_and_removing_it_takes_it_away(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        url = f"{API}/clients/{client['id']}/karma/public-conflict"
        flagged = json_of(
            await factory.client.put(url, json={"note": "Отзыв в СМИ"}, headers=w.seller.headers),
            200,
        )
        assert (flagged["score"], flagged["public_conflict"]["note"]) == ("-30.00", "Отзыв в СМИ")
        # Set twice: still one entry.
        json_of(await factory.client.put(url, json={}, headers=w.seller.headers), 200)
        assert score(await karma(factory, w.seller, client["id"])) == Decimal(-30)
        removed = await factory.client.delete(url, headers=w.seller.headers)
        assert removed.status_code == 204
        view = await karma(factory, w.seller, client["id"])
        assert (view["score"], view["public_conflict"]) == (None, None)

    async def test_a_won_deal_is_flagged_loss_making(self, factory: Factory) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        deal = await create_deal(factory, w.seller, client_id=client["id"])
        url = f"{API}/deals/{deal['id']}/karma/loss-making"
        open_deal = await factory.client.put(url, json={}, headers=w.seller.headers)
        assert open_deal.status_code == 409
        await win(factory, w.seller, deal)
        flag = json_of(await factory.client.put(url, json={}, headers=w.seller.headers), 200)
        assert (flag["kind"], flag["deal_id"]) == ("loss_making", deal["id"])
        assert score(await karma(factory, w.seller, client["id"])) == Decimal(-20)
        listed = json_of(
            await factory.client.get(
                f"{API}/deals/{deal['id']}/karma/flags", headers=w.seller.headers
            ),
            200,
        )
        assert [f["id"] for f in listed] == [flag["id"]]
        assert (await factory.client.delete(url, headers=w.seller.headers)).status_code == 204
        assert score(await karma(factory, w.seller, client["id"])) is None


class TestScoping:
    async def test_a_client_one_cannot_see_is_not_found(self, factory: Factory) -> None:
        w = await teams(factory)
        client = await create_client(factory, w.seller)
        deal = await create_deal(factory, w.seller, client_id=client["id"])
        for session in (w.stranger, w.outsider):
            for method, url, body in (
                ("GET", f"{API}/clients/{client['id']}/karma", None),
                ("GET", f"{API}/clients/{client['id']}/karma/entries", None),
                ("PUT", f"{API}/clients/{client['id']}/karma/public-conflict", {}),
                ("GET", f"{API}/deals/{deal['id']}/karma/flags", None),
            ):
                response = await factory.client.request(
                    method, url, json=body, headers=session.headers
                )
                assert response.status_code == 404, (method, url)
        outsider_adjusts = await factory.client.post(
            f"{API}/clients/{client['id']}/karma/adjustments",
            json={"points": "1", "reason": "x"},
            headers=w.outsider.headers,
        )
        assert outsider_adjusts.status_code == 404


class TestMerge:
    async def test_the_survivor_takes_the_merged_clients_entries_and_flags(
        self, factory: Factory
    ) -> None:
        w = await teams(factory)
        survivor = await create_client(factory, w.admin)
        merged = await create_client(factory, w.admin)
        json_of(
            await factory.client.post(
                f"{API}/clients/{merged['id']}/karma/adjustments",
                json={"points": "4", "reason": "до слияния"},
                headers=w.admin.headers,
            ),
            201,
        )
        json_of(
            await factory.client.put(
                f"{API}/clients/{merged['id']}/karma/public-conflict",
                json={},
                headers=w.admin.headers,
            ),
            200,
        )
        deal = await create_deal(factory, w.admin, client_id=merged["id"])
        await lose(factory, w.admin, deal, lost_tender=True)
        assert score(await karma(factory, w.admin, merged["id"])) == Decimal(4 - 30 - 10)

        json_of(
            await factory.client.post(
                f"{API}/clients/{survivor['id']}/merge",
                json={"other_id": merged["id"]},
                headers=w.admin.headers,
            ),
            200,
        )
        view = await karma(factory, w.admin, survivor["id"])
        assert (score(view), view["entries"]) == (Decimal(-36), 3)
        assert view["public_conflict"] is not None
