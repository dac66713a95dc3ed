"""Custom field definitions and relationship follow-ups created and edited through their typed
commands."""

from __future__ import annotations

import uuid

import pytest

from domain.clients.commands import (
    CreateCustomField,
    CreateFollowUp,
    UpdateCustomField,
    UpdateFollowUp,
)
from domain.clients.custom_fields import CustomFieldDefinition, FieldEntity, FieldType
from domain.clients.model import RelationshipFollowUp, RelationshipType
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()


def an_enum_field() -> CustomFieldDefinition:
    return CustomFieldDefinition.create(
        CreateCustomField(
            entity=FieldEntity.DEAL,
            key="region",
            label="  Регион ",
            type=FieldType.ENUM,
            options=["север", " север ", "юг"],
            position=3,
        ),
        organisation_id=ORG,
    )


class TestCustomField:
    def test_create_cleans_the_label_and_the_options(self) -> None:
        definition = an_enum_field()
        assert definition.organisation_id == ORG
        assert (definition.key, definition.label, definition.options) == (
            "region",
            "Регион",
            ["север", "юг"],
        )
        assert (definition.required, definition.position) == (False, 3)

    def test_create_refuses_a_bad_key_and_options_on_a_non_enum(self) -> None:
        with pytest.raises(InvalidInput):
            CustomFieldDefinition.create(
                CreateCustomField(
                    entity=FieldEntity.CLIENT, key="Bad Key", label="X", type=FieldType.STRING
                ),
                organisation_id=ORG,
            )
        with pytest.raises(InvalidInput):
            CustomFieldDefinition.create(
                CreateCustomField(
                    entity=FieldEntity.CLIENT,
                    key="size",
                    label="X",
                    type=FieldType.NUMBER,
                    options=["1"],
                ),
                organisation_id=ORG,
            )

    def test_apply_sets_only_what_was_given(self) -> None:
        definition = an_enum_field()
        definition.apply(UpdateCustomField())
        assert (definition.label, definition.options) == ("Регион", ["север", "юг"])
        definition.apply(UpdateCustomField(label="Область", required=True))
        assert (definition.label, definition.required, definition.position) == (
            "Область",
            True,
            3,
        )
        definition.apply(UpdateCustomField(options=["запад"], position=0))
        assert (definition.options, definition.position) == (["запад"], 0)

    def test_an_enum_keeps_an_option(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            an_enum_field().apply(UpdateCustomField(options=[]))
        assert refused.value.problems[0].loc == ("options",)


def a_follow_up() -> RelationshipFollowUp:
    return RelationshipFollowUp.create(
        CreateFollowUp(relationship_type=RelationshipType.CURRENT, task_title="  Позвонить  "),
        organisation_id=ORG,
    )


class TestFollowUp:
    def test_create_takes_the_defaults_and_cleans_the_title(self) -> None:
        follow_up = a_follow_up()
        assert follow_up.organisation_id == ORG
        assert (follow_up.task_title, follow_up.due_in_days, follow_up.priority) == (
            "Позвонить",
            1,
            "normal",
        )
        assert follow_up.is_active is True

    def test_apply_sets_only_what_was_given(self) -> None:
        follow_up = a_follow_up()
        follow_up.apply(UpdateFollowUp(due_in_days=7, priority="high"))
        assert (follow_up.relationship_type, follow_up.task_title) == (
            RelationshipType.CURRENT,
            "Позвонить",
        )
        assert (follow_up.due_in_days, follow_up.priority) == (7, "high")
        follow_up.apply(
            UpdateFollowUp(
                relationship_type=RelationshipType.PERMANENT,
                task_title=" Поздравить ",
                is_active=False,
            )
        )
        assert (follow_up.relationship_type, follow_up.task_title, follow_up.is_active) == (
            RelationshipType.PERMANENT,
            "Поздравить",
            False,
        )

    @pytest.mark.parametrize(
        ("update", "loc"),
        [
            (UpdateFollowUp(task_title="  "), ("task_title",)),
            (UpdateFollowUp(due_in_days=366), ("due_in_days",)),
            (UpdateFollowUp(priority="urgent"), ("priority",)),
        ],
    )
    def test_bad_values_are_refused_by_field(
        self, update: UpdateFollowUp, loc: tuple[str, ...]
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            a_follow_up().apply(update)
        assert refused.value.problems[0].loc == loc
