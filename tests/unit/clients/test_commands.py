"""Clients and contacts created and edited through their typed commands."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.clients.commands import (
    CreateClient,
    MessengerInput,
    NewContact,
    PhoneInput,
    UpdateClient,
    UpdateContact,
)
from domain.clients.events import ClientUpdated, ContactUpdated
from domain.clients.model import Client, ClientKind, Contact, Temperature
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()
USER = uuid.uuid4()
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)


def a_client(**fields: object) -> Client:
    command = CreateClient(
        name=" ООО  «Ромашка» ",
        sector="Retail",
        notes="Звонить до обеда",
        segment_tags=["опт", " опт "],
        utm={"utm_source": "ya"},
        **fields,  # type: ignore[arg-type]
    )
    return Client.create(
        command, organisation_id=ORG, responsible_id=USER, custom_fields={}, at=T0, by=USER
    )


def a_contact() -> Contact:
    return Contact.create(
        NewContact(
            full_name="Иван Петров",
            position="Директор",
            phones=[PhoneInput("8 912 345-67-89"), PhoneInput("+7 495 123-45-67", "work")],
            emails=["Ivan@Example.com"],
            messengers=[MessengerInput("telegram", "@ivan")],
        ),
        organisation_id=ORG,
        client_id=uuid.uuid4(),
        region="RU",
        at=T0,
        by=USER,
    )


class TestCreateClient:
    def test_fields_are_cleaned_as_they_are_set(self) -> None:
        client = a_client(kind=ClientKind.PERSON, temperature=Temperature.HOT)
        assert client.name == "ООО «Ромашка»"
        assert client.name_key == "ромашка"
        assert client.segment_tags == ["опт"]
        assert (client.kind, client.temperature) == (ClientKind.PERSON, Temperature.HOT)
        assert client.created_by == USER
        assert client.created_at == T0

    def test_every_bad_field_is_reported_at_once(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            a_client(inn="7707083894", kpp="1")
        assert {p.loc for p in caught.value.problems} == {("inn",), ("kpp",)}


class TestUpdateClient:
    def test_unset_fields_stay_as_they_are(self) -> None:
        client = a_client()
        client.apply(UpdateClient(name="Ромашка-2"), at=T0, by=USER)
        assert client.name == "Ромашка-2"
        assert client.name_key == "ромашка 2"
        assert client.sector == "Retail"
        assert client.notes == "Звонить до обеда"
        assert client.utm == {"utm_source": "ya"}

    def test_none_clears_a_field(self) -> None:
        client = a_client()
        client.apply(UpdateClient(sector=None, segment_tags=None, utm=None), at=T0, by=USER)
        assert client.sector is None
        assert client.segment_tags == []
        assert client.utm == {}
        assert client.notes == "Звонить до обеда"

    def test_a_required_field_cannot_be_cleared(self) -> None:
        client = a_client()
        with pytest.raises(InvalidInput) as caught:
            client.apply(UpdateClient(name=None, kind=None), at=T0, by=USER)  # type: ignore[arg-type]
        assert {p.loc for p in caught.value.problems} == {("name",), ("kind",)}

    def test_the_event_names_only_the_fields_that_changed(self) -> None:
        client = a_client()
        client.events.clear()
        later = datetime(2030, 1, 2, tzinfo=UTC)
        changed = client.apply(
            UpdateClient(name="ООО «Ромашка»", sector=None, temperature=Temperature.WARM),
            at=later,
            by=USER,
        )
        assert changed == ["sector", "temperature"]
        [event] = client.events
        assert isinstance(event, ClientUpdated)
        assert event.changed == ("sector", "temperature")
        assert (event.actor_id, event.occurred_at, client.updated_at) == (USER, later, later)

    def test_nothing_changed_records_nothing(self) -> None:
        client = a_client()
        client.events.clear()
        assert client.apply(UpdateClient(sector="Retail"), at=T0, by=USER) == []
        assert client.events == []

    def test_custom_fields_are_merged_and_none_removes_a_key(self) -> None:
        client = a_client()
        client.custom_fields = {"size": 10, "region": "north"}
        client.apply(UpdateClient(custom_fields={"size": 12, "region": None}), at=T0, by=USER)
        assert client.custom_fields == {"size": 12}

    def test_validated_custom_fields_from_the_service_win(self) -> None:
        client = a_client()
        client.apply(
            UpdateClient(custom_fields={"size": "12"}),
            at=T0,
            by=USER,
            custom_fields={"size": 12},
        )
        assert client.custom_fields == {"size": 12}


class TestContactCommands:
    def test_a_new_contact_has_e164_phones_and_lower_case_emails(self) -> None:
        contact = a_contact()
        assert [p.e164 for p in contact.phones] == ["+79123456789", "+74951234567"]
        assert contact.emails == ["ivan@example.com"]
        assert contact.messengers[0].handle == "@ivan"

    def test_unset_fields_stay_and_none_clears(self) -> None:
        contact = a_contact()
        contact.apply(UpdateContact(position=None, emails=None), region="RU", at=T0, by=USER)
        assert contact.position is None
        assert contact.emails == []
        assert len(contact.phones) == 2
        assert contact.full_name == "Иван Петров"

    def test_phones_are_replaced_as_a_whole(self) -> None:
        contact = a_contact()
        contact.apply(UpdateContact(phones=[PhoneInput("0441234567")]), region="UA", at=T0, by=USER)
        assert [p.e164 for p in contact.phones] == ["+380441234567"]

    def test_the_event_names_the_changed_fields_and_the_new_client(self) -> None:
        contact = a_contact()
        other = uuid.uuid4()
        changed = contact.apply(
            UpdateContact(client_id=other, full_name="Иван Петров", is_primary=True),
            region="RU",
            at=T0,
            by=USER,
        )
        assert changed == ["client_id", "is_primary"]
        [event] = contact.events
        assert isinstance(event, ContactUpdated)
        assert event.changed == ("client_id", "is_primary")
        assert event.client_id == other
