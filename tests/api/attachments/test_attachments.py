"""Files on clients and deals: upload, list, download, delete, limits and scoping."""

from __future__ import annotations

import dataclasses
import hashlib
from urllib.parse import quote

import sqlalchemy as sa
from httpx import ASGITransport, AsyncClient

from adapters.db.tables.records import attachments, audit_entries
from api.app import create_app
from tests.api.attachments.support import API, make_client, make_deal, upload, world
from tests.factories import Factory

URL = f"{API}/attachments"


class TestUpload:
    async def test_a_file_is_stored_hashed_and_served_back(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        content = b"%PDF-1.4 " + "Договор поставки".encode() * 500
        response = await upload(factory, w.seller, content=content, client_id=client_id)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["client_id"] == str(client_id)
        assert body["deal_id"] is None
        assert body["document_type"] == "contract"
        assert body["filename"] == "Договор №1.pdf"
        assert body["size"] == len(content)
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
        assert body["uploaded_by"] == str(w.seller.user.id)

        download = await factory.client.get(f"{URL}/{body['id']}/content", headers=w.seller.headers)
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-length"] == str(len(content))
        assert download.headers["x-content-type-options"] == "nosniff"
        disposition = download.headers["content-disposition"]
        assert disposition.startswith("attachment; ")
        assert f"filename*=UTF-8''{quote('Договор №1.pdf', safe='')}" in disposition

    async def test_a_deal_file_names_the_deal_and_its_client(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        deal_id = await make_deal(factory.container, w.org, w.seller.user, client_id)
        response = await upload(factory, w.seller, deal_id=deal_id, document_type="invoice")
        assert response.status_code == 201, response.text
        assert (response.json()["deal_id"], response.json()["client_id"]) == (
            str(deal_id),
            str(client_id),
        )
        on_client = await factory.client.get(
            URL, params={"client_id": str(client_id)}, headers=w.seller.headers
        )
        assert [a["id"] for a in on_client.json()["items"]] == [response.json()["id"]]

    async def test_the_deal_repository_reports_document_types_on_a_deal(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        for kind in ("contract", "invoice", "contract"):
            assert (
                await upload(factory, w.seller, deal_id=deal_id, document_type=kind)
            ).status_code == 201
        scope_of = {"seller": w.seller, "rival": w.rival}
        from domain.shared.scope import Scope, Visibility

        async with factory.container.uow() as uow:
            own = Scope(
                organisation_id=w.org.id,
                user_id=scope_of["seller"].user.id,
                visibility=Visibility.OWN,
            )
            other = Scope(
                organisation_id=w.org.id,
                user_id=scope_of["rival"].user.id,
                visibility=Visibility.OWN,
            )
            assert await uow.attachments.document_types_on_deal(own, deal_id) == {
                "contract",
                "invoice",
            }
            assert await uow.attachments.document_types_on_deal(other, deal_id) == set()

    async def test_an_unknown_or_inactive_document_type_is_422(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        response = await upload(factory, w.seller, client_id=client_id, document_type="passport")
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "document_type"]

    async def test_an_empty_file_is_422_and_nothing_is_kept(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        response = await upload(factory, w.seller, client_id=client_id, content=b"")
        assert response.status_code == 422
        assert list((factory.container.settings.var_dir / "files").glob(f"{w.org.id}/*")) == []

    async def test_a_parent_is_required_and_must_match(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        other_client = await make_client(factory.container, w.org, w.seller.user)
        assert (await upload(factory, w.seller)).status_code == 422
        mismatch = await upload(factory, w.seller, deal_id=deal_id, client_id=other_client)
        assert mismatch.status_code == 422

    async def test_file_names_are_cleaned(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        response = await upload(
            factory, w.seller, client_id=client_id, filename="C:\\Users\\..\\счёт.pdf"
        )
        assert response.json()["filename"] == "счёт.pdf"

    async def test_a_file_over_the_limit_is_413_and_not_kept(self, factory: Factory) -> None:
        small = dataclasses.replace(
            factory.container,
            settings=factory.container.settings.model_copy(update={"attachment_max_bytes": 1000}),
        )
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        transport = ASGITransport(app=create_app(container=small))
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            over = await http.post(
                URL,
                data={"document_type": "other", "client_id": str(client_id)},
                files={"file": ("big.bin", b"x" * 1001, "application/octet-stream")},
                headers=w.seller.headers,
            )
            assert over.status_code == 413
            assert over.headers["content-type"] == "application/problem+json"
            far_over = await http.post(
                URL,
                data={"document_type": "other", "client_id": str(client_id)},
                files={"file": ("big.bin", b"x" * 200_000, "application/octet-stream")},
                headers=w.seller.headers,
            )
            assert far_over.status_code == 413
            fits = await http.post(
                URL,
                data={"document_type": "other", "client_id": str(client_id)},
                files={"file": ("ok.bin", b"x" * 1000, "application/octet-stream")},
                headers=w.seller.headers,
            )
            assert fits.status_code == 201, fits.text
        files = list((small.settings.var_dir / "files" / str(w.org.id)).iterdir())
        assert [f.name for f in files] == [fits.json()["id"]]

    async def test_uploads_bigger_than_the_general_body_limit_are_accepted(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        content = b"y" * (factory.container.settings.max_body_bytes * 2)
        response = await upload(factory, w.seller, client_id=client_id, content=content)
        assert response.status_code == 201, response.text
        assert response.json()["size"] == len(content)

    async def test_upload_and_delete_are_audited_on_the_parent(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        created = (await upload(factory, w.seller, deal_id=deal_id)).json()
        deleted = await factory.client.delete(f"{URL}/{created['id']}", headers=w.seller.headers)
        assert deleted.status_code == 204
        async with factory.container.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(audit_entries.c.action, audit_entries.c.changes)
                    .where(audit_entries.c.entity_id == deal_id)
                    .order_by(audit_entries.c.at)
                )
            ).all()
        assert [r.action for r in rows] == ["attach", "detach"]
        assert rows[0].changes["attachment"]["after"]["filename"] == "Договор №1.pdf"
        assert rows[1].changes["attachment"]["before"]["id"] == created["id"]


class TestListAndDelete:
    async def test_lists_newest_first_with_a_cursor_and_a_type_filter(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        ids = []
        for kind in ("contract", "act", "act"):
            ids.append(
                (await upload(factory, w.seller, client_id=client_id, document_type=kind)).json()[
                    "id"
                ]
            )
        first = await factory.client.get(
            URL, params={"client_id": str(client_id), "limit": 2}, headers=w.seller.headers
        )
        page = first.json()
        assert [a["id"] for a in page["items"]] == ids[::-1][:2]
        second = await factory.client.get(
            URL,
            params={"client_id": str(client_id), "limit": 2, "cursor": page["next_cursor"]},
            headers=w.seller.headers,
        )
        assert [a["id"] for a in second.json()["items"]] == [ids[0]]
        assert second.json()["next_cursor"] is None
        acts = await factory.client.get(
            URL,
            params={"client_id": str(client_id), "document_type": "act"},
            headers=w.seller.headers,
        )
        assert len(acts.json()["items"]) == 2

    async def test_delete_removes_the_row_and_the_file(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        created = (await upload(factory, w.seller, client_id=client_id)).json()
        path = factory.container.settings.var_dir / "files" / str(w.org.id) / created["id"]
        assert path.exists()
        response = await factory.client.delete(f"{URL}/{created['id']}", headers=w.seller.headers)
        assert response.status_code == 204
        assert not path.exists()
        again = await factory.client.get(f"{URL}/{created['id']}", headers=w.seller.headers)
        assert again.status_code == 404
        async with factory.container.engine.connect() as conn:
            assert (
                await conn.scalar(
                    sa.select(sa.func.count()).where(attachments.c.id == created["id"])
                )
                == 0
            )


class TestScoping:
    async def test_others_get_404_for_a_sellers_client_file(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        created = (await upload(factory, w.seller, client_id=client_id)).json()
        for stranger in (w.rival, w.outsider, w.junior):
            for path in (f"{URL}/{created['id']}", f"{URL}/{created['id']}/content"):
                response = await factory.client.get(path, headers=stranger.headers)
                assert response.status_code == 404, (stranger.user.full_name, path)
            listed = await factory.client.get(
                URL, params={"client_id": str(client_id)}, headers=stranger.headers
            )
            assert listed.status_code == 404
            deleted = await factory.client.delete(
                f"{URL}/{created['id']}", headers=stranger.headers
            )
            assert deleted.status_code == 404
            upload_there = await upload(factory, stranger, client_id=client_id)
            assert upload_there.status_code == 404
        for viewer in (w.head_north, w.admin):
            response = await factory.client.get(f"{URL}/{created['id']}", headers=viewer.headers)
            assert response.status_code == 200

    async def test_a_deal_file_follows_the_deal_not_the_client(self, factory: Factory) -> None:
        w = await world(factory)
        # The client is the rival's, the deal the seller's.
        client_id = await make_client(factory.container, w.org, w.rival.user)
        deal_id = await make_deal(factory.container, w.org, w.seller.user, client_id)
        created = (await upload(factory, w.seller, deal_id=deal_id)).json()
        assert (
            await factory.client.get(f"{URL}/{created['id']}", headers=w.seller.headers)
        ).status_code == 200
        rival_view = await factory.client.get(f"{URL}/{created['id']}", headers=w.rival.headers)
        assert rival_view.status_code == 404
        rival_list = await factory.client.get(
            URL, params={"client_id": str(client_id)}, headers=w.rival.headers
        )
        assert rival_list.json()["items"] == []
