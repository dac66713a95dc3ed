"""Loyalty surveys through HTTP (issue 12, item 9): a closed deal gets a survey; whoever may
change the deal issues the client a link; the client answers once, 0 to 10, without signing
in; NPS per account manager over the answers, for who sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.db.tables.loyalty import surveys
from tests.api.attachments.support import API, make_deal, world
from tests.api.deals.support import error_locs, json_of
from tests.factories import Factory, Session


async def closed_deal(factory: Factory, w: Any, seller: Session) -> str:
    deal = await make_deal(factory.container, w.org, seller.user)
    json_of(await factory.client.post(f"{API}/deals/{deal}/win", headers=seller.headers), 200)
    return str(deal)


async def link(factory: Factory, session: Session, deal: str, status: int = 200) -> Any:
    response = await factory.client.post(f"{API}/deals/{deal}/survey/link", headers=session.headers)
    return json_of(response, status)


def token_of(issued: dict[str, Any]) -> str:
    url: str = issued["url"]
    assert "/survey/" in url
    return url.rsplit("/", 1)[1]


async def answer(factory: Factory, token: str, body: dict[str, Any]) -> Any:
    return await factory.client.post(f"{API}/public/surveys/{token}", json=body)


class TestSurveys:
    async def test_a_closed_deal_gets_a_survey_the_client_answers_once_by_link(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        open_deal = await make_deal(factory.container, w.org, w.seller.user)
        none = await factory.client.get(f"{API}/deals/{open_deal}/survey", headers=w.seller.headers)
        assert json_of(none, 200) is None
        deal = await closed_deal(factory, w, w.seller)
        survey = json_of(
            await factory.client.get(f"{API}/deals/{deal}/survey", headers=w.seller.headers), 200
        )
        assert (survey["responsible_id"], survey["link_expires_at"]) == (
            str(w.seller.user.id),
            None,
        )
        issued = await link(factory, w.seller, deal)
        token = token_of(issued)
        assert issued["url"].startswith("http")
        shown = await factory.client.get(f"{API}/public/surveys/{token}")
        assert json_of(shown, 200)["state"] == "open"
        assert json_of(shown, 200)["organisation_name"]
        answered = await answer(factory, token, {"score": 9, "comment": "Спасибо, всё\nхорошо"})
        assert answered.status_code == 204
        again = await answer(factory, token, {"score": 2})
        assert again.status_code == 404  # the link is spent
        survey = json_of(
            await factory.client.get(f"{API}/deals/{deal}/survey", headers=w.seller.headers), 200
        )
        assert (survey["score"], survey["comment"]) == (9, "Спасибо, всё\nхорошо")
        # Answered: no new link.
        await link(factory, w.seller, deal, 409)

    async def test_a_new_link_replaces_the_old_and_an_expired_one_is_refused(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal = await closed_deal(factory, w, w.seller)
        first = token_of(await link(factory, w.seller, deal))
        second = token_of(await link(factory, w.seller, deal))
        assert (await factory.client.get(f"{API}/public/surveys/{first}")).status_code == 404
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(surveys)
                .where(surveys.c.deal_id == deal)
                .values(link_expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
        shown = await factory.client.get(f"{API}/public/surveys/{second}")
        assert json_of(shown, 200)["state"] == "expired"
        assert (await answer(factory, second, {"score": 8})).status_code == 409

    async def test_only_who_sees_the_deal_issues_links_and_answers_are_bounded(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal = await closed_deal(factory, w, w.seller)
        await link(factory, w.rival, deal, 404)
        await link(factory, w.outsider, deal, 404)
        await link(factory, w.head_north, deal, 200)
        token = token_of(await link(factory, w.seller, deal))
        for body, loc in (
            ({"score": 11}, ["body", "score"]),
            ({"score": -1}, ["body", "score"]),
            ({"score": "9"}, ["body", "score"]),
            ({"score": 9.5}, ["body", "score"]),
            ({"score": 9, "comment": "a\u0000b"}, ["body", "comment"]),
            ({"score": 9, "comment": "x" * 2001}, ["body", "comment"]),
        ):
            response = await answer(factory, token, body)
            assert response.status_code == 422, body
            assert error_locs(response) == [loc], response.json()
        made_up = await factory.client.get(f"{API}/public/surveys/{'x' * 43}")
        assert made_up.status_code == 404


class TestNps:
    async def test_nps_per_account_manager_for_who_sees_them(self, factory: Factory) -> None:
        w = await world(factory)
        for seller, score in ((w.seller, 10), (w.seller, 9), (w.junior, 3), (w.rival, 7)):
            deal = await closed_deal(factory, w, seller)
            token = token_of(await link(factory, seller, deal))
            assert (await answer(factory, token, {"score": score})).status_code == 204
        await closed_deal(factory, w, w.seller)  # closed, not answered
        today = datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat()
        period = {"from": today, "to": today}

        async def nps(session: Session) -> dict[str, Any]:
            response = await factory.client.get(
                f"{API}/kpi/nps", params=period, headers=session.headers
            )
            return json_of(response, 200)  # type: ignore[no-any-return]

        admin = await nps(w.admin)
        rows = {r["user_id"]: r for r in admin["items"]}
        mine = rows[str(w.seller.user.id)]
        assert (mine["surveys"], mine["answers"], mine["promoters"], mine["nps"]) == (
            3,
            2,
            2,
            "100.0",
        )
        assert rows[str(w.junior.user.id)]["nps"] == "-100.0"
        assert rows[str(w.rival.user.id)]["nps"] == "0.0"
        assert admin["items"][0]["user_id"] == str(w.seller.user.id)
        # 2 promoters, 1 passive, 1 detractor of 4: 25.0
        assert admin["total"]["nps"] == "25.0"
        head = await nps(w.head_north)
        assert {r["user_id"] for r in head["items"]} == {
            str(w.seller.user.id),
            str(w.junior.user.id),
        }
        seller = await nps(w.seller)
        assert [r["user_id"] for r in seller["items"]] == [str(w.seller.user.id)]
        bad = await factory.client.get(
            f"{API}/kpi/nps", params={"from": today, "to": "2020-01-01"}, headers=w.admin.headers
        )
        assert error_locs(bad) == [["query", "to"]]
