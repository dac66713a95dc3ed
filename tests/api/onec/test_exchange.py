"""The 1C:Enterprise site exchange: the sample catalogue goes through a whole exchange as 1C
sends it (checkauth, init, the file in chunks smaller than it, import answered with progress
until success) and becomes product groups and products, with prices and stock from an offers
file; the same exchange again changes nothing; hostile documents (XXE, billion laughs, zip
traversal) are refused with a failure line and import nothing; windows-1251 and decimal
commas read; the session is required after checkauth; the log is the organisation's own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from domain.onec import model as onec_model
from domain.onec import services as onec_services
from tests.api.onec.support import (
    API,
    PASSWORD,
    OneC,
    as_cp1251,
    create_integration,
    exchange,
    exchanges,
    full_exchange,
    offers,
    products,
    sample,
    zipped,
)
from tests.factories import Factory, Org

CATALOG = "import0_1.xml"
GROUP = "82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1"
PORTABLE = "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1"
PRIME = "80cb5293-19c1-11e7-80c2-0cc47ab29cd1"

XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<КоммерческаяИнформация ВерсияСхемы="2.08">
  <Каталог><Товары><Товар><Ид>x1</Ид><Наименование>&xxe;</Наименование></Товар></Товары></Каталог>
</КоммерческаяИнформация>
""".encode()

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<КоммерческаяИнформация ВерсияСхемы="2.08"><Каталог><Товары><Товар><Ид>x</Ид>
<Наименование>&lol9;</Наименование></Товар></Товары></Каталог></КоммерческаяИнформация>
""".encode()


async def catalogue_rows(factory: Factory, org: Org) -> dict[str, int]:
    async with factory.container.engine.connect() as conn:
        counts = {}
        for table in ("product_groups", "products", "product_prices", "product_stock"):
            counts[table] = await conn.scalar(
                sa.text(f"SELECT count(*) FROM {table} WHERE organisation_id = :o"),  # noqa: S608
                {"o": org.id},
            )
        return counts


def by_external_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["external_id"]: item for item in items}


class TestCatalogExchange:
    async def test_the_sample_goes_through_a_whole_exchange_in_chunks_and_slices(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(onec_services, "IMPORT_SLICE", 2)
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        catalog = sample(CATALOG)
        assert len(catalog) > 3 * 4096  # really sent in several chunks

        one_c, answers = await full_exchange(
            factory, integration, [(CATALOG, catalog), ("offers0_1.xml", offers())]
        )

        # 1 group + 3 products in slices of 2: progress, then success; offers (6 records)
        # in three slices.
        assert answers == [
            f"progress\n{CATALOG}: 2 records read\n",
            "success\n",
            "progress\noffers0_1.xml: 2 records read\n",
            "progress\noffers0_1.xml: 4 records read\n",
            "success\n",
        ]
        found = by_external_id(await products(factory, admin))
        assert set(found) == {PORTABLE, "5edfbda4-19c0-11e7-80c2-0cc47ab29cd1", PRIME}
        portable = found[PORTABLE]
        assert portable["name"] == "Портативный коврик Portable 140x200x1 см, Деревянные лошадки"
        assert portable["article"] == "PM-421-WP"
        assert portable["barcode"] == "8809288404089"
        assert portable["unit"] == "Штука"
        assert portable["group_name"] == "Коврики для дома"
        assert portable["properties"]["Страна производства"] == "КОРЕЯ, РЕСПУБЛИКА"
        assert portable["properties"]["Линейка"] == "Portable"
        prices = {p["price_type"]: (Decimal(p["price"]), p["currency"]) for p in portable["prices"]}
        assert prices == {
            "Розничная": (Decimal("4590.50"), "RUB"),
            "Оптовая": (Decimal("3100.00"), "RUB"),
        }
        stock = {s["warehouse"]: Decimal(s["quantity"]) for s in portable["stock"]}
        assert stock == {"Основной склад": Decimal(7), "Склад Москва": Decimal(5)}
        assert Decimal(portable["quantity"]) == 12
        # A characteristic's offer (product#characteristic) is its product's.
        assert [Decimal(p["price"]) for p in found[PRIME]["prices"]] == [Decimal("5200.00")]
        assert Decimal(found[PRIME]["quantity"]) == 3

        # The log: one exchange, done, with its files, counts and no errors.
        [logged] = await exchanges(factory, admin)
        assert logged["id"] == one_c.sessid
        detail = await exchange(factory, admin, logged["id"])
        assert detail["status"] == "done"
        assert detail["errors"] == []
        # 1 group + 3 products; 2 price types + 2 warehouses + 2 offers.
        assert (detail["created"], detail["updated"], detail["unchanged"]) == (10, 0, 0)
        files = {f["name"]: f for f in detail["files"]}
        assert files[CATALOG]["size"] == len(catalog)
        assert files[CATALOG]["status"] == "imported"
        assert files[CATALOG]["kind"] == "import"
        assert files[CATALOG]["records_read"] == 4
        assert files["offers0_1.xml"]["kind"] == "offers"
        assert detail["bytes_received"] == len(catalog) + len(offers())
        searched = await products(factory, admin, "?search=pm-421-le")
        assert [p["external_id"] for p in searched] == ["5edfbda4-19c0-11e7-80c2-0cc47ab29cd1"]

    async def test_the_same_exchange_twice_changes_nothing(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        files = [(CATALOG, sample(CATALOG)), ("offers0_1.xml", offers())]
        await full_exchange(factory, integration, files)
        before = await products(factory, admin)
        rows = await catalogue_rows(factory, org)

        await full_exchange(factory, integration, files)

        assert await products(factory, admin) == before  # updated_at included
        assert await catalogue_rows(factory, org) == rows
        second, first = await exchanges(factory, admin)
        assert (first["created"], first["updated"], first["unchanged"]) == (10, 0, 0)
        assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 10)
        assert second["status"] == "done"

    async def test_a_changed_price_is_an_update_and_the_rest_unchanged(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        await full_exchange(factory, integration, [("offers.xml", offers())])  # no products yet
        [lonely] = await exchanges(factory, admin)
        assert any("no such product" in e for e in lonely["errors"])
        await full_exchange(factory, integration, [(CATALOG, sample(CATALOG))])
        await full_exchange(factory, integration, [("offers.xml", offers())])
        await full_exchange(factory, integration, [("offers.xml", offers("4700"))])
        latest = (await exchanges(factory, admin))[0]
        assert (latest["created"], latest["updated"], latest["unchanged"]) == (0, 1, 5)
        found = by_external_id(await products(factory, admin))
        retail = [p for p in found[PORTABLE]["prices"] if p["price_type"] == "Розничная"]
        assert Decimal(retail[0]["price"]) == Decimal("4700")

    async def test_windows_1251_and_decimal_commas_read(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        catalog = as_cp1251(sample(CATALOG))
        assert "Коврики".encode("cp1251") in catalog

        _, answers = await full_exchange(
            factory,
            integration,
            [(CATALOG, catalog), ("offers0_1.xml", as_cp1251(offers("1 234,56")))],
        )

        assert answers == ["success\n", "success\n"]
        found = by_external_id(await products(factory, admin))
        assert found[PORTABLE]["group_name"] == "Коврики для дома"
        assert found[PORTABLE]["properties"]["Расцветка"] == "Деревянные лошадки"
        retail = [p for p in found[PORTABLE]["prices"] if p["price_type"] == "Розничная"]
        assert Decimal(retail[0]["price"]) == Decimal("1234.56")

    async def test_a_zip_archive_with_folders_is_unpacked_and_imported(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        archive = zipped(
            {
                CATALOG: sample(CATALOG),
                "offers0_1.xml": offers(),
                "import_files/bd/bd8c4e15.jpg": b"\xff\xd8\xff\xe0 picture",
            }
        )
        one_c = OneC(factory, integration)
        await one_c.checkauth()
        await one_c.init()
        assert set(await one_c.upload("exchange.zip", archive, chunk=2048)) == {"success\n"}
        assert await one_c.import_until_done(CATALOG) == ["success\n"]
        assert await one_c.import_until_done("offers0_1.xml") == ["success\n"]

        assert len(await products(factory, admin)) == 3
        detail = await exchange(factory, admin, str(one_c.sessid))
        files = {f["name"]: f for f in detail["files"]}
        assert files["exchange.zip"]["status"] == "stored"
        assert files["import_files/bd/bd8c4e15.jpg"]["kind"] == "other"
        assert files[CATALOG]["status"] == "imported"


class TestRefusals:
    @pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
    async def test_a_document_with_a_dtd_is_refused_and_nothing_imported(
        self, factory: Factory, body: bytes
    ) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)

        _, answers = await full_exchange(factory, integration, [("import.xml", body)])

        assert answers[0].startswith("failure\n")
        assert "DTD" in answers[0]
        assert await catalogue_rows(factory, org) == {
            "product_groups": 0,
            "products": 0,
            "product_prices": 0,
            "product_stock": 0,
        }
        [logged] = await exchanges(factory, admin)
        assert logged["status"] == "failed"
        assert any("DTD" in e for e in logged["errors"])
        files = (await exchange(factory, admin, logged["id"]))["files"]
        assert files[0]["status"] == "failed"

    async def test_a_document_bad_at_its_end_imports_nothing(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(onec_services, "IMPORT_SLICE", 1)
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        broken = sample(CATALOG).replace("</КоммерческаяИнформация>".encode(), b"")

        _, answers = await full_exchange(factory, integration, [(CATALOG, broken)])

        assert answers[0].startswith("failure\nmalformed XML")
        assert (await catalogue_rows(factory, org))["products"] == 0

    @pytest.mark.parametrize(
        "name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:\\evil.xml"]
    )
    async def test_a_zip_with_traversal_is_refused(self, factory: Factory, name: str) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        archive = zipped({name: sample(CATALOG), CATALOG: sample(CATALOG)})
        one_c = OneC(factory, integration)
        await one_c.checkauth()
        await one_c.upload("exchange.zip", archive, chunk=8192)

        answer = (await one_c.call("import", filename=CATALOG)).text

        assert answer.startswith("failure\nthe archive is refused")
        assert (await catalogue_rows(factory, org))["products"] == 0
        root = factory.container.onec_files.root
        assert not list(root.parent.rglob("evil.xml"))

    async def test_a_file_name_with_traversal_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c = OneC(factory, integration)
        await one_c.checkauth()
        answer = (
            await one_c.call("file", method="POST", content=b"x", filename="../../evil.xml")
        ).text
        assert answer.startswith("failure\nunsafe file name")

    async def test_files_over_the_exchange_limit_fail_the_exchange(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(onec_model, "FILE_MAX_BYTES", 10_000)
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c = OneC(factory, integration)
        await one_c.checkauth()
        answers = await one_c.upload(CATALOG, sample(CATALOG), chunk=8000)
        assert answers[0] == "success\n"
        assert answers[1].startswith("failure\na file may have at most 10000 bytes")
        [logged] = await exchanges(factory, admin)
        assert logged["status"] == "failed"


class TestSession:
    async def test_checkauth_answers_the_cookie_sessid_and_timestamp(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c = OneC(factory, integration)
        lines = (await one_c.checkauth()).splitlines()
        assert lines[0] == "success"
        assert lines[1] == "crm_onec_session"
        assert len(lines[2]) >= 30
        assert lines[3] == f"sessid={one_c.sessid}"
        assert lines[4].startswith("timestamp=")
        assert lines[4][10:].isdigit()
        assert await one_c.init() == f"zip=yes\nfile_limit={64 * 1024}\n"

    @pytest.mark.parametrize(
        ("login", "password"), [("site", "wrong-password"), ("other", PASSWORD)]
    )
    async def test_a_wrong_login_or_password_is_a_failure(
        self, factory: Factory, login: str, password: str
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        answer = await OneC(factory, integration).checkauth(login, password)
        assert answer == "failure\nwrong login or password\n"
        assert await exchanges(factory, admin) == []

    async def test_guessing_the_password_locks_the_integration_for_a_while(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c = OneC(factory, integration)
        limit = factory.container.settings.login_max_failures
        for _ in range(limit):
            assert await one_c.checkauth("site", "guess-guess") == (
                "failure\nwrong login or password\n"
            )
        locked = await one_c.checkauth()
        assert locked.startswith("failure\ntoo many failed sign-ins")

    async def test_no_basic_auth_is_a_failure(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        factory.client.cookies.clear()
        answer = await factory.client.get(
            integration["exchange_path"], params={"type": "catalog", "mode": "checkauth"}
        )
        assert answer.text == "failure\nwrong login or password\n"

    @pytest.mark.parametrize("mode", ["init", "file", "import"])
    async def test_every_mode_after_checkauth_needs_the_session_cookie(
        self, factory: Factory, mode: str
    ) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c = OneC(factory, integration)
        await one_c.checkauth()
        one_c.cookie = {}
        answer = (
            await one_c.call(mode, method="POST", content=sample(CATALOG)[:4000], filename=CATALOG)
        ).text
        assert answer.startswith("failure\nno session")
        forged = OneC(factory, integration, cookie={"name": "crm_onec_session", "value": "x" * 32})
        answer = (await forged.call(mode, method="POST", content=b"<a/>", filename=CATALOG)).text
        assert answer.startswith("failure\nunknown session")
        assert (await catalogue_rows(factory, org))["products"] == 0

    async def test_a_session_of_one_integration_is_no_key_to_another(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        first = await create_integration(factory, admin)
        second = await create_integration(factory, admin, login="other")
        one_c = OneC(factory, first)
        await one_c.checkauth()
        stolen = OneC(factory, second, cookie=one_c.cookie)
        assert (await stolen.init()).startswith("failure\nunknown session")

    async def test_a_switched_off_exchange_type_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin, exchange_catalog=False)
        answer = await OneC(factory, integration).checkauth()
        assert answer.startswith("failure\nthe exchange of type catalog is switched off")

    async def test_an_unknown_integration_is_404(self, factory: Factory) -> None:
        response = await factory.client.get(
            f"{API}/onec/00000000-0000-4000-8000-000000000000/exchange",
            params={"type": "catalog", "mode": "checkauth"},
        )
        assert response.status_code == 404

    async def test_sale_answers_an_empty_document_and_stores_files(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin, exchange_sale=True)
        one_c = OneC(factory, integration, exchange_type="sale")
        assert (await one_c.checkauth()).startswith("success\n")
        assert (await one_c.init()).startswith("zip=yes\n")
        query = await one_c.call("query")
        assert query.headers["content-type"].startswith("application/xml")
        assert "КоммерческаяИнформация" in query.text
        assert (await one_c.call("success")).text == "success\n"
        document = sample(CATALOG)  # read for its counterparties only: it has none
        assert await one_c.upload("orders.xml", document, chunk=8192) == ["success\n"] * 3
        assert await one_c.import_until_done("orders.xml") == ["success\n"]
        detail = await exchange(factory, admin, str(one_c.sessid))
        [stored] = detail["files"]
        assert (stored["kind"], stored["status"], stored["size"]) == (
            "orders",
            "imported",
            len(document),
        )
        assert await products(factory, admin) == []
