"""Saved filters of the client list: named, per user, kept on the server."""

from __future__ import annotations

from tests.api.clients.support import API, json_of, two_teams
from tests.factories import Factory, Session

URL = f"{API}/saved-filters"


async def _save(
    factory: Factory, session: Session, *, status: int = 201, **body: object
) -> dict[str, object]:
    body.setdefault("list", "clients")
    body.setdefault("name", "Горячие")
    body.setdefault("query", "temperature=hot&q=%D1%80%D0%BE%D0%BC")
    response = await factory.client.post(URL, json=body, headers=session.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def _names(factory: Factory, session: Session, kind: str = "clients") -> list[str]:
    response = await factory.client.get(f"{URL}?list={kind}", headers=session.headers)
    return [f["name"] for f in json_of(response, 200)]


class TestSavedFilters:
    async def test_saved_listed_by_name_renamed_and_deleted(self, factory: Factory) -> None:
        _, _, seller, _ = await two_teams(factory)
        hot = await _save(factory, seller, name="Горячие", query="?temperature=hot")
        assert hot["query"] == "temperature=hot"  # the leading ? is dropped
        await _save(factory, seller, name="  Без   задачи ", query="")
        await _save(factory, seller, list="deals", name="Мои сделки", query="stale=1")
        assert await _names(factory, seller) == ["Без задачи", "Горячие"]
        assert await _names(factory, seller, "deals") == ["Мои сделки"]

        renamed = json_of(
            await factory.client.patch(
                f"{URL}/{hot['id']}",
                json={"name": "Очень горячие", "query": "temperature=hot&temperature=warm"},
                headers=seller.headers,
            ),
            200,
        )
        assert renamed["query"] == "temperature=hot&temperature=warm"
        assert renamed["version"] == 2
        assert await _names(factory, seller) == ["Без задачи", "Очень горячие"]

        deleted = await factory.client.delete(f"{URL}/{hot['id']}", headers=seller.headers)
        assert deleted.status_code == 204
        assert await _names(factory, seller) == ["Без задачи"]

    async def test_another_user_neither_sees_nor_changes_them(self, factory: Factory) -> None:
        _, admin, seller, stranger = await two_teams(factory)
        mine = await _save(factory, seller)
        assert await _names(factory, stranger) == []
        assert await _names(factory, admin) == []  # not even the administrator
        for session in (stranger, admin):
            patch = await factory.client.patch(
                f"{URL}/{mine['id']}", json={"name": "Чужое"}, headers=session.headers
            )
            assert patch.status_code == 404
            delete = await factory.client.delete(f"{URL}/{mine['id']}", headers=session.headers)
            assert delete.status_code == 404
        assert await _names(factory, seller) == ["Горячие"]
        # The same name is free for someone else.
        await _save(factory, stranger)
        assert await _names(factory, stranger) == ["Горячие"]

    async def test_another_organisation_gets_404(self, factory: Factory) -> None:
        _, _, seller, _ = await two_teams(factory)
        mine = await _save(factory, seller)
        _, outsider = await factory.admin_session()
        response = await factory.client.patch(
            f"{URL}/{mine['id']}", json={"name": "x"}, headers=outsider.headers
        )
        assert response.status_code == 404

    async def test_names_are_unique_per_user_and_list_ignoring_case(self, factory: Factory) -> None:
        _, _, seller, _ = await two_teams(factory)
        first = await _save(factory, seller, name="Горячие")
        problem = await _save(factory, seller, name="ГОРЯЧИЕ", status=409)
        assert problem["status"] == 409
        other = await _save(factory, seller, name="Тёплые")
        response = await factory.client.patch(
            f"{URL}/{other['id']}", json={"name": "горячие"}, headers=seller.headers
        )
        assert response.status_code == 409
        await _save(factory, seller, list="tasks", name="Горячие")  # another list
        assert first["name"] == "Горячие"

    async def test_bad_input_names_the_field(self, factory: Factory) -> None:
        _, _, seller, _ = await two_teams(factory)
        cases = [
            ({"name": ""}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"name": "bad\x00name"}, "name"),
            ({"query": "q=" + "a" * 2000}, "query"),
            ({"query": "a=1\x07"}, "query"),
            ({"list": "invoices"}, "list"),
        ]
        for body, field in cases:
            problem = await _save(factory, seller, status=422, **body)
            assert problem["errors"][0]["loc"][-1] == field, (body, problem)

    async def test_at_most_fifty_per_list(self, factory: Factory) -> None:
        _, _, seller, _ = await two_teams(factory)
        for n in range(50):
            await _save(factory, seller, name=f"Фильтр {n:02d}")
        problem = await _save(factory, seller, name="Лишний", status=422)
        assert problem["errors"][0]["loc"][-1] == "name"
