"""Helpers of the 1C exchange tests: an integration made through the API, and exchanges run
as 1C:Enterprise runs them (checkauth with HTTP Basic, init, the file in chunks, import
until success), with the session cookie sent back as 1C sends it."""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from httpx import Response

from tests.factories import Factory, Session

API = "/api/v1"
CATALOG = "import0_1.xml"
SAMPLES = Path(__file__).parent / "samples"
PASSWORD = "1c-exchange-password"


def sample(name: str) -> bytes:
    """A payload copied unchanged from ../shared/samples/onec."""
    return (SAMPLES / name).read_bytes()


def basic(login: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def create_integration(factory: Factory, admin: Session, **fields: Any) -> dict[str, Any]:
    body = {"name": "1С:Управление торговлей", "login": "site", "password": PASSWORD, **fields}
    created = await factory.client.post(
        f"{API}/onec/integrations", json=body, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


@dataclass
class OneC:
    """1C's side of one exchange session."""

    factory: Factory
    integration: dict[str, Any]
    exchange_type: str = "catalog"
    cookie: dict[str, str] = field(default_factory=dict)
    sessid: str | None = None
    answers: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.integration["exchange_path"])

    async def call(
        self, mode: str, *, method: str = "GET", content: bytes | None = None, **params: str
    ) -> Response:
        query = {"type": self.exchange_type, "mode": mode, **params}
        if self.sessid is not None and mode != "checkauth":
            query["sessid"] = self.sessid
        # 1C keeps no cookie jar: it sends back what checkauth named, nothing else.
        self.factory.client.cookies.clear()
        headers = {"Cookie": f"{self.cookie['name']}={self.cookie['value']}"} if self.cookie else {}
        response = await self.factory.client.request(
            method, self.url, params=query, content=content, headers=headers
        )
        assert response.status_code == 200, response.text
        self.answers.append(response.text)
        return response

    async def checkauth(self, login: str = "site", password: str = PASSWORD) -> str:
        self.factory.client.cookies.clear()
        response = await self.factory.client.get(
            self.url,
            params={"type": self.exchange_type, "mode": "checkauth"},
            headers=basic(login, password),
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        lines = response.text.splitlines()
        if lines[0] == "success":
            self.cookie = {"name": lines[1], "value": lines[2]}
            self.sessid = lines[3].removeprefix("sessid=")
        return response.text

    async def init(self) -> str:
        return (await self.call("init")).text

    async def upload(self, name: str, data: bytes, *, chunk: int) -> list[str]:
        answers = []
        for start in range(0, len(data), chunk):
            response = await self.call(
                "file", method="POST", content=data[start : start + chunk], filename=name
            )
            answers.append(response.text)
        return answers

    async def import_until_done(self, name: str, *, max_calls: int = 50) -> list[str]:
        answers = []
        for _ in range(max_calls):
            text = (await self.call("import", filename=name)).text
            answers.append(text)
            if not text.startswith("progress"):
                return answers
        raise AssertionError(f"import of {name} never ended: {answers[-3:]}")


async def full_exchange(
    factory: Factory,
    integration: dict[str, Any],
    files: list[tuple[str, bytes]],
    *,
    chunk: int = 4096,
) -> tuple[OneC, list[str]]:
    """checkauth, init, each file in chunks, then import of each (as 1C orders them)."""
    one_c = OneC(factory, integration)
    assert (await one_c.checkauth()).startswith("success\n")
    assert (await one_c.init()).startswith("zip=yes\nfile_limit=")
    for name, data in files:
        assert set(await one_c.upload(name, data, chunk=chunk)) == {"success\n"}
    imports: list[str] = []
    for name, _ in files:
        if name.endswith(".zip"):
            continue
        imports += await one_c.import_until_done(name)
    return one_c, imports


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def exchanges(factory: Factory, admin: Session) -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{API}/onec/exchanges", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def exchange(factory: Factory, admin: Session, exchange_id: str) -> dict[str, Any]:
    found = await factory.client.get(f"{API}/onec/exchanges/{exchange_id}", headers=admin.headers)
    assert found.status_code == 200, found.text
    return dict(found.json())


async def products(factory: Factory, admin: Session, query: str = "") -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{API}/onec/products{query}", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


OFFERS = """<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08"
    ДатаФормирования="2020-04-07T13:16:07">
  <ПакетПредложений СодержитТолькоИзменения="false">
    <Ид>b21db898-7f82-46d8-a5ca-7c4f1d200a13#</Ид>
    <Наименование>Пакет предложений (Каталог)</Наименование>
    <ИдКаталога>b21db898-7f82-46d8-a5ca-7c4f1d200a13</ИдКаталога>
    <ИдКлассификатора>b21db898-7f82-46d8-a5ca-7c4f1d200a13</ИдКлассификатора>
    <ТипыЦен>
      <ТипЦены>
        <Ид>6d0dc0e4-18fa-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Розничная</Наименование>
        <Валюта>RUB</Валюта>
      </ТипЦены>
      <ТипЦены>
        <Ид>7e1ed1f5-18fa-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Оптовая</Наименование>
        <Валюта>RUB</Валюта>
      </ТипЦены>
    </ТипыЦен>
    <Склады>
      <Склад>
        <Ид>a1a1a1a1-18fa-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Основной склад</Наименование>
      </Склад>
      <Склад>
        <Ид>b2b2b2b2-18fa-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Склад Москва</Наименование>
      </Склад>
    </Склады>
    <Предложения>
      <Предложение>
        <Ид>bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Портативный коврик Portable 140x200x1 см, Деревянные лошадки</Наименование>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>
        <Цены>
          <Цена>
            <Представление>{retail} RUB за шт</Представление>
            <ИдТипаЦены>6d0dc0e4-18fa-11e7-80c2-0cc47ab29cd1</ИдТипаЦены>
            <ЦенаЗаЕдиницу>{retail}</ЦенаЗаЕдиницу>
            <Валюта>RUB</Валюта>
            <Единица>шт</Единица>
            <Коэффициент>1</Коэффициент>
          </Цена>
          <Цена>
            <ИдТипаЦены>7e1ed1f5-18fa-11e7-80c2-0cc47ab29cd1</ИдТипаЦены>
            <ЦенаЗаЕдиницу>3100</ЦенаЗаЕдиницу>
            <Валюта>RUB</Валюта>
          </Цена>
        </Цены>
        <Количество>12</Количество>
        <Склад ИдСклада="a1a1a1a1-18fa-11e7-80c2-0cc47ab29cd1" КоличествоНаСкладе="7"/>
        <Склад ИдСклада="b2b2b2b2-18fa-11e7-80c2-0cc47ab29cd1" КоличествоНаСкладе="5"/>
      </Предложение>
      <Предложение>
        <Ид>80cb5293-19c1-11e7-80c2-0cc47ab29cd1#c0ffee00-19c1-11e7-80c2-0cc47ab29cd1</Ид>
        <Наименование>Коврик Prime Living 150x200x1 см</Наименование>
        <Цены>
          <Цена>
            <ИдТипаЦены>6d0dc0e4-18fa-11e7-80c2-0cc47ab29cd1</ИдТипаЦены>
            <ЦенаЗаЕдиницу>5200,00</ЦенаЗаЕдиницу>
            <Валюта>RUB</Валюта>
          </Цена>
        </Цены>
        <Остатки>
          <Остаток>
            <Склад>
              <Ид>a1a1a1a1-18fa-11e7-80c2-0cc47ab29cd1</Ид>
              <Количество>3</Количество>
            </Склад>
          </Остаток>
        </Остатки>
      </Предложение>
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>
"""


def offers(retail: str = "4 590,50") -> bytes:
    """An offers file as 1C 8.3 (UT 11) writes it, with a BOM, for the sample's products."""
    return b"\xef\xbb\xbf" + OFFERS.replace("{retail}", retail).encode("utf-8")


def as_cp1251(document: bytes) -> bytes:
    """The same document in windows-1251, declared so, without the BOM."""
    text = document.decode("utf-8-sig").replace('encoding="UTF-8"', 'encoding="windows-1251"', 1)
    return text.encode("cp1251")
