"""Website forms: administration, and posts as real senders make them (Tilda's samples byte
for byte, JSON, urlencoded and multipart), read into leads by the worker."""

from __future__ import annotations

import json

from tests.api.intake.support import (
    API,
    create_form,
    drain,
    first_funnel,
    inbox,
    item,
    post_form,
    sample,
)
from tests.factories import Factory


class TestFormSettings:
    async def test_create_shows_the_secret_once_and_the_post_url(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel_id = await first_funnel(factory, admin)
        created = await create_form(
            factory,
            admin,
            name="Обратный звонок",
            funnel_id=funnel_id,
            field_map={"phone": ["Ваш номер"]},
            distribution={"kind": "round_robin", "user_ids": [str(admin.user.id)]},
        )
        assert len(created["secret"]) >= 32
        assert created["post_path"] == f"{API}/intake/forms/{created['key']}"
        assert created["distribution"]["kind"] == "round_robin"
        got = await factory.client.get(
            f"{API}/intake/form-settings/{created['id']}", headers=admin.headers
        )
        assert got.status_code == 200
        assert "secret" not in got.json()
        assert got.json()["field_map"] == {"phone": ["Ваш номер"]}
        listed = await factory.client.get(f"{API}/intake/form-settings", headers=admin.headers)
        assert [f["id"] for f in listed.json()["items"]] == [created["id"]]

    async def test_patch_needs_the_current_etag_and_rotating_changes_the_secret(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        created = await create_form(factory, admin)
        url = f"{API}/intake/form-settings/{created['id']}"
        stale = await factory.client.patch(
            url, json={"name": "x"}, headers={**admin.headers, "If-Match": '"v9"'}
        )
        assert stale.status_code == 412
        patched = await factory.client.patch(
            url,
            json={"honeypot_field": None, "rate_limit_per_minute": 5},
            headers={**admin.headers, "If-Match": '"v1"'},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["honeypot_field"] is None
        assert patched.json()["rate_limit_per_minute"] == 5
        rotated = await factory.client.post(f"{url}/rotate-secret", headers=admin.headers)
        assert rotated.status_code == 200
        assert rotated.json()["secret"] != created["secret"]
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204
        assert (await factory.client.get(url, headers=admin.headers)).status_code == 404

    async def test_unknown_funnel_or_people_are_refused_naming_the_field(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        other, other_admin = await factory.admin_session()
        foreign_funnel = await first_funnel(factory, other_admin)
        refused = await factory.client.post(
            f"{API}/intake/form-settings",
            json={"name": "Форма", "funnel_id": foreign_funnel},
            headers=admin.headers,
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"][-1] == "funnel_id"
        stranger = await factory.client.post(
            f"{API}/intake/form-settings",
            json={"name": "Форма", "distribution": {"user_ids": [str(other.admin.id)]}},
            headers=admin.headers,
        )
        assert stranger.status_code == 422
        assert "user_ids" in stranger.json()["errors"][0]["loc"]

    async def test_sellers_cannot_manage_forms(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.login(await factory.user(org, "seller"))
        created = await create_form(factory, admin)
        for response in (
            await factory.client.get(f"{API}/intake/form-settings", headers=seller.headers),
            await factory.client.get(
                f"{API}/intake/form-settings/{created['id']}", headers=seller.headers
            ),
            await factory.client.post(
                f"{API}/intake/form-settings", json={"name": "x"}, headers=seller.headers
            ),
        ):
            assert response.status_code == 403

    async def test_another_organisation_gets_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        _, stranger = await factory.admin_session()
        created = await create_form(factory, admin)
        url = f"{API}/intake/form-settings/{created['id']}"
        assert (await factory.client.get(url, headers=stranger.headers)).status_code == 404
        patched = await factory.client.patch(url, json={"name": "x"}, headers=stranger.headers)
        assert patched.status_code == 404
        assert (await factory.client.delete(url, headers=stranger.headers)).status_code == 404


class TestTildaWebhook:
    async def test_the_connection_check_gets_200_and_is_no_lead(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        answered = await post_form(
            factory.client, form["key"], sample("tilda/test_check.urlencoded.txt")
        )
        assert answered.status_code == 200, answered.text
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == "ignored"
        assert "connection check" in stored["last_error"]
        assert stored["provider"] == "tilda"

    async def test_a_cart_post_becomes_a_lead_with_its_products_and_cookies(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        body = sample("tilda/cart_with_cookies.urlencoded.txt")
        answered = await post_form(
            factory.client, form["key"], body, headers={"referer": "https://8bars.ru/cart"}
        )
        assert answered.status_code == 200, answered.text
        assert answered.json()["duplicate"] is False
        assert answered.headers["access-control-allow-origin"] == "*"
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == "processed", stored
        assert stored["body_size"] == len(body)
        assert stored["event_key"].endswith("order:form42581206:1214681071")
        lead = stored["lead"]
        assert lead["name"] == "Тимофей Сергеевич Орлов"
        assert lead["phone"] == "+79165550142"
        assert lead["email"] == "t.orlov@example.ru"
        assert lead["comment"] == "commnet"
        assert [p["name"] for p in lead["products"]] == [
            "Nanopresso NS-адаптер",
            "Minipresso GR",
            "Nanopresso Set",
        ]
        assert lead["amount"] == "14750"
        assert lead["analytics"]["_ga"] == "GA1.2.1017251606.1525430883"
        assert lead["fields"]["city"] == "Москва"
        assert lead["source"] == "8bars.ru"

    async def test_redelivery_is_stored_once(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        body = sample("tilda/cart_with_cookies.urlencoded.txt")
        first = await post_form(factory.client, form["key"], body)
        again = await post_form(factory.client, form["key"], body)
        assert first.status_code == again.status_code == 200
        assert again.json() == {"id": first.json()["id"], "duplicate": True}
        tranid = "8017:1234567"
        one = await post_form(
            factory.client, form["key"], f"Name=A&Phone=89161234567&tranid={tranid}&formid=f1"
        )
        two = await post_form(
            factory.client, form["key"], f"Name=B&Phone=89161234567&tranid={tranid}&formid=f1"
        )
        assert two.json() == {"id": one.json()["id"], "duplicate": True}
        keyed = [
            await post_form(
                factory.client,
                form["key"],
                json.dumps({"name": "Олена", "phone": "+380501234567"}),
                content_type="application/json",
                headers={"Idempotency-Key": "order-77"},
            )
            for _ in range(2)
        ]
        assert keyed[1].json() == {"id": keyed[0].json()["id"], "duplicate": True}
        await drain(factory.container)
        assert len(await inbox(factory, admin)) == 3
        assert len(await inbox(factory, admin, "?state=processed")) == 3

    async def test_tilda_json_and_a_secret_in_a_header_or_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, require_secret=True, secret_field="API-key")
        document = {
            "Name": "Ирина",
            "Phone": "8 (912) 345-67-89",
            "formid": "form1",
            "tranid": "1:2",
            "payment": {"amount": "990", "products": [{"name": "Курс", "price": "990"}]},
        }
        in_header = await post_form(
            factory.client,
            form["key"],
            json.dumps(document),
            content_type="application/json; charset=utf-8",
            headers={"API-key": form["secret"]},
        )
        in_field = await post_form(
            factory.client,
            form["key"],
            f"Name=Пётр&Phone=%2B79123456780&API-key={form['secret']}",
        )
        missing = await post_form(factory.client, form["key"], "Name=Бот&Phone=89120000000")
        await drain(factory.container)
        header_item = await item(factory, admin, in_header.json()["id"])
        assert header_item["state"] == "processed", header_item
        assert header_item["lead"]["phone"] == "+79123456789"
        assert header_item["lead"]["products"] == [{"name": "Курс", "price": "990"}]
        field_item = await item(factory, admin, in_field.json()["id"])
        assert field_item["state"] == "processed"
        assert "API-key" not in field_item["lead"].get("fields", {})
        refused = await item(factory, admin, missing.json()["id"])
        assert refused["state"] == "rejected"
        assert "secret" in refused["last_error"]


class TestGenericForms:
    async def test_json_urlencoded_and_multipart_with_russian_and_english_names(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, field_map={"phone": ["Ваш номер"]})
        as_json = await post_form(
            factory.client,
            form["key"],
            json.dumps({"имя": "Анна", "телефон": "+7 916 555-01-43", "почта": "A@Example.RU"}),
            content_type="application/json",
        )
        as_form = await post_form(
            factory.client,
            form["key"],
            "fio=%D0%98%D0%B2%D0%B0%D0%BD&%D0%92%D0%B0%D1%88+%D0%BD%D0%BE%D0%BC%D0%B5%D1%80=89165550144"
            "&utm_source=yandex&utm_campaign=spring&Message=%D0%9F%D0%B5%D1%80%D0%B5%D0%B7%D0%B2%D0%BE%D0%BD%D0%B8%D1%82%D0%B5",
        )
        boundary = "----crmboundary"
        multipart = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="Name"\r\n\r\nJohn Smith\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="tel"\r\n\r\n'
            "+44 20 7946 0018\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4 binary\r\n"
            f"--{boundary}--\r\n"
        )
        as_multipart = await post_form(
            factory.client,
            form["key"],
            multipart,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        await drain(factory.container)
        json_lead = (await item(factory, admin, as_json.json()["id"]))["lead"]
        assert (json_lead["name"], json_lead["phone"], json_lead["email"]) == (
            "Анна",
            "+79165550143",
            "a@example.ru",
        )
        form_lead = (await item(factory, admin, as_form.json()["id"]))["lead"]
        assert form_lead["name"] == "Иван"
        assert form_lead["phone"] == "+79165550144"
        assert form_lead["comment"] == "Перезвоните"
        assert form_lead["source"] == "yandex"
        assert form_lead["campaign"] == "spring"
        multipart_item = await item(factory, admin, as_multipart.json()["id"])
        assert multipart_item["state"] == "processed", multipart_item
        assert multipart_item["lead"]["name"] == "John Smith"
        assert multipart_item["lead"]["phone"] == "+442079460018"
        assert "not kept" in multipart_item["lead"]["fields"]["cv"]

    async def test_an_unmapped_body_is_rejected_with_its_fields_and_retried_after_mapping(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        posted = await post_form(factory.client, form["key"], "kontakt_nomer=89165550145&zzz=1")
        await drain(factory.container)
        rejected = await item(factory, admin, posted.json()["id"])
        assert rejected["state"] == "rejected"
        assert "kontakt_nomer" in rejected["last_error"]
        assert rejected["lead"]["fields"] == {"kontakt_nomer": "89165550145", "zzz": "1"}
        patched = await factory.client.patch(
            f"{API}/intake/form-settings/{form['id']}",
            json={"field_map": {"phone": ["kontakt_nomer"]}},
            headers=admin.headers,
        )
        assert patched.status_code == 200
        retried = await factory.client.post(
            f"{API}/intake/inbox/{posted.json()['id']}/retry", headers=admin.headers
        )
        assert retried.status_code == 202, retried.text
        assert retried.json()["state"] == "pending"
        await drain(factory.container)
        processed = await item(factory, admin, posted.json()["id"])
        assert processed["state"] == "processed"
        assert processed["lead"]["phone"] == "+79165550145"

    async def test_an_unknown_or_inactive_form_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        unknown = await post_form(factory.client, "no-such-form", "a=b")
        assert unknown.status_code == 404
        # Answered by the fast lane (api/intake_fast_lane.py) as the API answers: a problem a
        # browser on the site may read, with the edge headers and a request id.
        assert unknown.headers["content-type"] == "application/problem+json"
        assert unknown.json()["instance"] == f"{API}/intake/forms/no-such-form"
        assert unknown.headers["access-control-allow-origin"] == "*"
        assert unknown.headers["x-content-type-options"] == "nosniff"
        assert len(unknown.headers["x-request-id"]) == 32
        form = await create_form(factory, admin, is_active=False)
        assert (await post_form(factory.client, form["key"], "a=b")).status_code == 404

    async def test_an_accepted_post_carries_the_headers_every_answer_has(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        posted = await post_form(
            factory.client,
            form["key"],
            "name=Ольга&phone=89165550177",
            headers={"X-Request-ID": "site-42"},
        )
        assert posted.status_code == 200
        assert posted.headers["x-request-id"] == "site-42"
        assert posted.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert posted.headers["access-control-allow-origin"] == "*"
        # Not a Tilda post (none of its field names): stored without an event key.
        stored = await item(factory, admin, posted.json()["id"])
        assert (stored["provider"], stored["event_key"]) == ("generic", None)
        await drain(factory.container)
        assert (await item(factory, admin, stored["id"]))["lead"]["name"] == "Ольга"

    async def test_a_browser_preflight_and_the_embed_script(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, honeypot_field="company_site")
        preflight = await factory.client.options(
            f"{API}/intake/forms/{form['key']}",
            headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "idempotency-key" in preflight.headers["access-control-allow-headers"]
        script = await factory.client.get(f"{API}/intake/forms/{form['key']}/embed.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert '"company_site"' in script.text
        assert "utm_source" in script.text
