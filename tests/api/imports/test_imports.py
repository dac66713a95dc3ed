"""Spreadsheet import through HTTP (issue 13, item 7): CSV in any delimiter and in UTF-8 (with
or without BOM) or windows-1251, and XLSX; column mapping with a preview; a dry run that writes
nothing; the import as a job with progress; duplicates flagged through the duplicate control;
row errors with row and column; an export imports back without changing anything."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from decimal import Decimal

import pytest

from tests.api.clients.support import API, create_client, json_of, unique_name
from tests.api.deals.support import teams
from tests.api.imports.support import (
    check,
    clients_named,
    count_clients,
    csv_bytes,
    get_import,
    issues,
    map_columns,
    random_inn,
    random_phone,
    run,
    start,
    upload,
    xlsx_bytes,
)
from tests.factories import Factory
from tests.worker import drain_queue

# Rows of the "large" file here, in batches of BATCH; bench/imports.py reads 50,000.
ROWS = 60
BATCH = 15
CLIENT_HEADER = ["Клиент", "ИНН", "Контактное лицо", "Телефон", "E-mail", "Ответственный"]


_LETTERS = "абвгдежзийклмнопрстуфхцчшщэюя"


def _word() -> str:
    """A random word: names made of them share few trigrams, as real names do."""
    return "".join(random.choice(_LETTERS) for _ in range(8))


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


class TestUploadAndMapping:
    async def test_cp1251_semicolon_csv_is_detected_previewed_and_mapped_by_headers(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        name = unique_name("Ромашка")
        content = csv_bytes(
            [CLIENT_HEADER, [name, random_inn(), "Иван Петров", random_phone(), "", ""]],
            delimiter=";",
            encoding="cp1251",
        )
        created = await upload(factory, admin, content, filename="клиенты.csv")
        assert created["format"] == "csv"
        assert created["encoding"] == "cp1251"
        assert created["delimiter"] == ";"
        assert created["header"] == CLIENT_HEADER
        assert created["preview"][0][0] == name
        assert created["suggested_mapping"] == {
            "0": "name",
            "1": "inn",
            "2": "contact_name",
            "3": "phones",
            "4": "emails",
            "5": "responsible",
        }
        assert created["mapping"] == created["suggested_mapping"]
        assert created["status"] == "uploaded"

    async def test_a_mapping_to_an_unknown_field_or_column_is_refused(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        content = csv_bytes([CLIENT_HEADER], delimiter=",", encoding="utf-8")
        created = await upload(factory, admin, content)
        await map_columns(factory, admin, created["id"], {"0": "nonsense"}, status=422)
        await map_columns(factory, admin, created["id"], {"9": "name"}, status=422)
        await map_columns(factory, admin, created["id"], {"0": "name", "1": "name"}, status=422)

    async def test_an_empty_file_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await upload(factory, admin, b"", status=422)


class TestImportClients:
    async def test_cp1251_semicolon_csv_imports_clients_with_contacts(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org, "head_of_sales")
        first, second = unique_name("Ромашка"), unique_name("Василёк")
        inn, phone = random_inn(), random_phone()
        content = csv_bytes(
            [
                CLIENT_HEADER,
                [first, inn, "Иван Петров", phone, "ivan@example.com", head.email],
                [second, "", "Пётр Иванов", "", "petr@example.com", ""],
            ],
            delimiter=";",
            encoding="cp1251",
        )
        created = await upload(factory, admin, content)
        done = await run(factory, admin, created["id"])
        assert done["status"] == "done"
        assert done["result"]["created"] == 2
        assert done["result"]["errors"] == 0
        assert done["rows_done"] == done["rows_total"] == 2
        assert done["progress"] == 100
        [one] = await clients_named(factory, admin, first)
        assert one["inn"] == inn
        assert one["responsible_id"] == str(head.id)
        [contact] = one["contacts"]
        assert contact["full_name"] == "Иван Петров"
        assert _digits(contact["phones"][0]["e164"]) == _digits(phone)
        assert contact["emails"] == ["ivan@example.com"]
        [two] = await clients_named(factory, admin, second)
        assert two["responsible_id"] == str(admin.user.id)
        assert two["contacts"][0]["emails"] == ["petr@example.com"]

    async def test_utf8_bom_comma_csv_keeps_quoted_commas_and_quotes(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        word = unique_name("Лютик")
        name = f'ООО "{word}", филиал'
        content = csv_bytes(
            [["Название", "Телефоны", "Сегменты"], [name, random_phone(), "опт, розница"]],
            delimiter=",",
            encoding="utf-8-sig",
        )
        created = await upload(factory, admin, content)
        assert (created["encoding"], created["delimiter"]) == ("utf-8-sig", ",")
        assert created["preview"][0][0] == name
        done = await run(factory, admin, created["id"])
        assert done["result"]["created"] == 1
        [client] = await clients_named(factory, admin, word)
        assert client["name"] == name
        assert client["segment_tags"] == ["опт", "розница"]
        # A client without a contact column gets its phone on a contact of its name.
        assert client["contacts"][0]["full_name"] == name

    async def test_an_export_imported_back_in_update_mode_changes_nothing(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        for _ in range(2):
            await create_client(
                factory,
                admin,
                inn=random_inn(),
                segment_tags=["опт"],
                contacts=[
                    {
                        "full_name": "Анна Смирнова",
                        "phones": [{"number": random_phone()}],
                        "emails": [f"{unique_name('a').split()[1]}@example.com"],
                    }
                ],
            )
        before = json_of(await factory.client.get(f"{API}/clients", headers=admin.headers), 200)[
            "items"
        ]
        exported = await factory.client.get(
            f"{API}/clients/export", params={"format": "csv"}, headers=admin.headers
        )
        assert exported.status_code == 200
        created = await upload(factory, admin, exported.content, filename="clients.csv")
        assert created["suggested_mapping"]["0"] == "id"
        assert created["suggested_mapping"]["2"] == "name"
        await map_columns(
            factory, admin, created["id"], created["suggested_mapping"], on_duplicate="update"
        )
        checked = await check(factory, admin, created["id"])
        assert checked["dry_run"]["unchanged"] == 2, checked
        done = await run(factory, admin, created["id"])
        assert done["result"]["created"] == 0
        assert done["result"]["updated"] == 0
        assert done["result"]["unchanged"] == 2
        assert done["result"]["errors"] == 0
        after = json_of(await factory.client.get(f"{API}/clients", headers=admin.headers), 200)[
            "items"
        ]
        assert after == before

    async def test_update_mode_fills_a_matched_client_from_the_row(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        inn = random_inn()
        existing = await create_client(factory, admin, inn=inn)
        content = csv_bytes(
            [["Клиент", "ИНН", "Отрасль"], [existing["name"], inn, "Строительство"]],
            delimiter=",",
            encoding="utf-8",
        )
        created = await upload(factory, admin, content)
        await map_columns(
            factory, admin, created["id"], created["suggested_mapping"], on_duplicate="update"
        )
        done = await run(factory, admin, created["id"])
        assert done["result"]["updated"] == 1
        client = json_of(
            await factory.client.get(f"{API}/clients/{existing['id']}", headers=admin.headers),
            200,
        )
        assert client["sector"] == "Строительство"


class TestDuplicatesAndErrors:
    async def test_dry_run_counts_and_writes_nothing_then_duplicates_are_flagged_not_created(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        inn, phone = random_inn(), random_phone()
        by_inn = await create_client(factory, admin, inn=inn)
        by_phone = await create_client(
            factory,
            admin,
            contacts=[{"full_name": "Ольга", "phones": [{"number": phone}]}],
        )
        fresh = unique_name("Новый")
        content = csv_bytes(
            [
                CLIENT_HEADER,
                [unique_name("Другое имя"), inn, "", "", "", ""],
                [unique_name("Третье имя"), "", "Ольга", phone, "", ""],
                [fresh, "", "", "", "", ""],
                [fresh, "", "", "", "", ""],  # the same client twice in one file
            ],
            delimiter=",",
            encoding="utf-8",
        )
        total = await count_clients(factory, admin)
        created = await upload(factory, admin, content)
        checked = await check(factory, admin, created["id"])
        assert checked["status"] == "checked"
        assert checked["dry_run"]["created"] == 1
        assert checked["dry_run"]["duplicates"] == 3
        assert await count_clients(factory, admin) == total  # the dry run wrote nothing
        flagged = await issues(factory, admin, created["id"], dry_run="true", kind="duplicate")
        assert [i["row_number"] for i in flagged] == [1, 2, 4]
        assert flagged[0]["matches"][0]["id"] == by_inn["id"]
        assert "inn" in flagged[0]["matches"][0]["reasons"]
        assert flagged[1]["matches"][0]["id"] == by_phone["id"]
        assert flagged[2]["matches"] == [{"row": 3}]
        # Each reason as a stable code with what it names, for the reader's language.
        assert [(i["code"], i["params"]) for i in flagged] == [
            ("duplicate_client", {}),
            ("duplicate_client", {}),
            ("duplicate_row", {"row": "3"}),
        ]
        assert flagged[2]["reason"] == "repeats row 3 of this file"

        done = await run(factory, admin, created["id"])
        assert done["result"]["created"] == 1
        assert done["result"]["duplicates"] == 3
        assert await count_clients(factory, admin) == total + 1
        assert len(await clients_named(factory, admin, fresh)) == 1
        flagged = await issues(factory, admin, created["id"], kind="duplicate")
        assert {m["id"] for i in flagged for m in i["matches"]} >= {by_inn["id"], by_phone["id"]}

    async def test_skip_mode_counts_duplicates_as_skipped(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        inn = random_inn()
        await create_client(factory, admin, inn=inn)
        content = csv_bytes(
            [["Клиент", "ИНН"], [unique_name(), inn]], delimiter=",", encoding="utf-8"
        )
        created = await upload(factory, admin, content)
        await map_columns(
            factory, admin, created["id"], created["suggested_mapping"], on_duplicate="skip"
        )
        done = await run(factory, admin, created["id"])
        assert (done["result"]["skipped"], done["result"]["created"]) == (1, 0)

    async def test_bad_rows_are_reported_with_row_and_column_and_the_rest_imported(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        good = unique_name("Хороший")
        content = csv_bytes(
            [
                CLIENT_HEADER,
                [unique_name(), "1234567890", "", "", "", ""],  # check digit wrong
                [unique_name(), "", "Иван", "", "not-an-email", ""],
                ["", "", "", "", "", ""],  # empty: skipped, not an error
                [good, "", "", "", "", ""],
                [unique_name(), "", "", "", "", "nobody@example.com"],
                ["", random_inn(), "", "", "", ""],  # no name
            ],
            delimiter=";",
            encoding="utf-8",
        )
        created = await upload(factory, admin, content)
        done = await run(factory, admin, created["id"])
        assert done["result"]["created"] == 1
        assert done["result"]["errors"] == 4
        errors = await issues(factory, admin, created["id"], kind="error")
        assert [(e["row_number"], e["column"]) for e in errors] == [
            (1, "ИНН"),
            (2, "E-mail"),
            (5, "Ответственный"),
            (6, "Клиент"),
        ]
        assert all(e["reason"] for e in errors)
        assert [e["code"] for e in errors] == ["rejected", "not_an_email", "unknown_user", "blank"]
        assert len(await clients_named(factory, admin, good)) == 1


class TestImportDeals:
    async def test_xlsx_imports_deals_into_stages_with_amounts_and_clients(
        self, factory: Factory
    ) -> None:
        t = await teams(factory)
        stages = t.funnel["stages"]
        known = await create_client(factory, t.admin, inn=random_inn())
        new_client = unique_name("Новый клиент")
        first, second = unique_name("Сделка"), unique_name("Сделка")
        content = xlsx_bytes(
            [
                ["Сделка", "Клиент", "Этап", "Сумма", "Валюта", "Ожидаемая дата закрытия"],
                [first, known["name"], stages[1]["name"], "1 500,50", "RUB", date(2027, 3, 1)],
                [second, new_client, "", 2000, "", ""],
            ]
        )
        created = await upload(factory, t.admin, content, filename="deals.xlsx", entity="deals")
        assert created["format"] == "xlsx"
        assert created["suggested_mapping"] == {
            "0": "title",
            "1": "client",
            "2": "stage",
            "3": "amount",
            "4": "currency",
            "5": "expected_close_date",
        }
        done = await run(factory, t.admin, created["id"])
        assert done["result"]["created"] == 2, await issues(factory, t.admin, created["id"])
        deals = json_of(
            await factory.client.get(
                f"{API}/deals", params={"limit": 200}, headers=t.admin.headers
            ),
            200,
        )["items"]
        by_title = {d["title"]: d for d in deals}
        one = by_title[first]
        assert one["client_id"] == known["id"]
        assert one["stage_id"] == stages[1]["id"]
        assert Decimal(one["amount"]) == Decimal("1500.50")
        assert one["expected_close_date"] == "2027-03-01"
        two = by_title[second]
        assert Decimal(two["amount"]) == Decimal("2000")
        [made] = await clients_named(factory, t.admin, new_client)
        assert two["client_id"] == made["id"]

    async def test_an_unknown_stage_is_a_row_error(self, factory: Factory) -> None:
        t = await teams(factory)
        content = csv_bytes(
            [["Сделка", "Клиент", "Этап"], [unique_name("Сделка"), unique_name(), "Нет такого"]],
            delimiter=",",
            encoding="utf-8",
        )
        created = await upload(factory, t.admin, content, entity="deals")
        done = await run(factory, t.admin, created["id"])
        assert done["result"]["errors"] == 1
        [error] = await issues(factory, t.admin, created["id"])
        assert (error["row_number"], error["column"]) == (1, "Этап")
        assert (error["code"], error["params"]) == ("unknown_stage", {"funnel": t.funnel["name"]})
        assert error["reason"] == f"no stage of this name in the funnel {t.funnel['name']}"


class TestLargeFile:
    async def test_rows_import_in_batches_with_progress_moving(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("domain.imports.services.BATCH", BATCH)
        _, admin = await factory.admin_session()
        # Distinct names (random words), so no row is a similar-name duplicate of another.
        rows = [["Клиент", "Телефон"]] + [
            [f"{_word()} {_word()} {_word()}", f"+7495{n:07d}"] for n in range(1, ROWS + 1)
        ]
        created = await upload(factory, admin, csv_bytes(rows, delimiter=";", encoding="cp1251"))
        await start(factory, admin, created["id"], dry_run=False)
        seen: list[int] = []

        async def watch() -> None:
            while True:
                state = await get_import(factory, admin, created["id"])
                seen.append(state["rows_done"])
                if state["status"] in ("done", "failed"):
                    return
                await asyncio.sleep(0.05)

        await asyncio.gather(drain_queue(factory.container), watch())
        done = await get_import(factory, admin, created["id"])
        assert done["status"] == "done", done
        assert done["result"]["created"] == ROWS, await issues(factory, admin, created["id"])
        assert done["rows_total"] == ROWS
        # Progress was visible between batches, not only at the end.
        assert len({s for s in seen if 0 < s < ROWS}) >= 2, seen
        assert seen == sorted(seen)


class TestBatches:
    """Rows are matched and created a batch at a time: existing clients by one set-based check
    per batch, earlier rows of the same batch by their values, earlier batches in the
    database."""

    async def test_duplicates_within_a_batch_across_batches_and_of_existing_clients_are_flagged(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("domain.imports.services.BATCH", 4)
        _, admin = await factory.admin_session()
        phone, inn = random_phone(), random_inn()
        existing = await create_client(
            factory, admin, contacts=[{"full_name": "Пётр", "phones": [{"number": phone}]}]
        )
        by_inn = await create_client(factory, admin, inn=inn)
        names = [unique_name(_word()) for _ in range(8)]
        email = f"{_word()}@example.com"
        later_phone = random_phone()
        content = csv_bytes(
            [
                CLIENT_HEADER,
                [names[0], "", "Анна", "", email, ""],  # 1: created
                [names[1], "", "Борис", phone, "", ""],  # 2: an existing client's phone
                [names[2], "", "Вера", "", email.upper(), ""],  # 3: row 1's e-mail, same batch
                [names[3], "", "Глеб", later_phone, "", ""],  # 4: created
                [names[4], inn, "", "", "", ""],  # 5: an existing client's ИНН
                [names[5], "", "Дина", later_phone, "", ""],  # 6: row 4's phone, next batch
                [names[6], "", "", "", "", ""],  # 7: created
                [names[0], "", "", "", "", ""],  # 8: row 1's name, another batch
            ],
            delimiter=";",
            encoding="cp1251",
        )
        created = await upload(factory, admin, content)
        done = await run(factory, admin, created["id"])
        assert done["status"] == "done", done
        assert (done["result"]["created"], done["result"]["duplicates"]) == (3, 5), done
        first = await clients_named(factory, admin, names[0])
        fourth = await clients_named(factory, admin, names[3])
        assert len(first) == 1
        assert len(fourth) == 1
        for name in (names[1], names[2], names[4], names[5]):
            assert await clients_named(factory, admin, name) == []
        found = await issues(factory, admin, created["id"], kind="duplicate")
        flagged = {i["row_number"]: i for i in found}
        assert sorted(flagged) == [2, 3, 5, 6, 8]

        def match(row: int) -> tuple[str, list[str]]:
            found = flagged[row]["matches"][0]
            return found["id"], found["reasons"]

        assert match(2) == (existing["id"], ["phone"])
        assert match(3) == (first[0]["id"], ["email"])
        assert match(5) == (by_inn["id"], ["inn"])
        assert match(6) == (fourth[0]["id"], ["phone"])
        assert match(8) == (first[0]["id"], ["similar_name"])
        # The clients of the batch are whole: contact, phone and e-mail stored.
        card = json_of(
            await factory.client.get(f"{API}/clients/{first[0]['id']}", headers=admin.headers),
            200,
        )
        assert [c["emails"] for c in card["contacts"]] == [[email.lower()]]

    async def test_update_mode_updates_a_client_an_earlier_row_of_the_batch_created(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("domain.imports.services.BATCH", 10)
        _, admin = await factory.admin_session()
        name, phone = unique_name(_word()), random_phone()
        content = csv_bytes(
            [
                ["Клиент", "Телефон", "Отрасль"],
                [name, phone, ""],
                [name, phone, "Строительство"],
            ],
            delimiter=";",
            encoding="utf-8",
        )
        created = await upload(factory, admin, content)
        await map_columns(
            factory,
            admin,
            created["id"],
            {"0": "name", "1": "phones", "2": "sector"},
            on_duplicate="update",
        )
        done = await run(factory, admin, created["id"])
        assert (done["result"]["created"], done["result"]["updated"]) == (1, 1), done
        (client,) = await clients_named(factory, admin, name)
        assert client["sector"] == "Строительство"


class TestAccess:
    async def test_another_organisation_gets_404_and_a_seller_403(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        _, outsider = await factory.admin_session()
        seller = await factory.login(await factory.user(org, "seller"))
        head = await factory.login(await factory.user(org, "head_of_sales"))
        content = csv_bytes([["Клиент"], [unique_name()]], delimiter=",", encoding="utf-8")
        created = await upload(factory, admin, content)
        url = f"{API}/imports/{created['id']}"
        assert (await factory.client.get(url, headers=outsider.headers)).status_code == 404
        assert (
            await factory.client.post(f"{url}/run", headers=outsider.headers)
        ).status_code == 404
        assert (
            await factory.client.get(f"{url}/issues", headers=outsider.headers)
        ).status_code == 404
        assert (await factory.client.get(url, headers=seller.headers)).status_code == 403
        await upload(factory, seller, content, status=403)
        listed = json_of(await factory.client.get(f"{API}/imports", headers=outsider.headers), 200)
        assert all(i["id"] != created["id"] for i in listed["items"])
        # A head of sales imports too.
        await upload(factory, head, content)

    async def test_a_busy_import_cannot_start_again_and_cancel_needs_a_run(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        content = csv_bytes([["Клиент"], [unique_name()]], delimiter=",", encoding="utf-8")
        created = await upload(factory, admin, content)
        cancel = f"{API}/imports/{created['id']}/cancel"
        assert (await factory.client.post(cancel, headers=admin.headers)).status_code == 409
        await start(factory, admin, created["id"], dry_run=False)
        await start(factory, admin, created["id"], dry_run=True, status=409)
        await drain_queue(factory.container)
        done = await get_import(factory, admin, created["id"])
        assert done["status"] == "done"
        await start(factory, admin, created["id"], dry_run=False, status=409)
