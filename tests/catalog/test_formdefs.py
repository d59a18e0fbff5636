"""Catalog item form definitions and answer validation (pure module)."""

import pytest

from stanchion.catalog.formdefs import (
    AnswerError,
    FormDefinitionError,
    parse_form_definition,
    validate_answers,
)

LAPTOP = [
    {
        "name": "model",
        "label": "Model",
        "type": "choice",
        "required": True,
        "choices": ["MacBook Pro 14", "ThinkPad X1"],
    },
    {"name": "monitors", "type": "integer", "min": 0, "max": 2},
    {"name": "accessories", "type": "multichoice", "choices": ["Dock", "Headset", "Mouse"]},
    {"name": "needed_by", "type": "date"},
    {"name": "notes", "type": "textarea", "max_length": 20},
    {"name": "manager_email", "type": "email"},
    {"name": "replacement", "type": "boolean"},
]


def test_valid_answers_are_cleaned():
    fields = parse_form_definition(LAPTOP)
    cleaned = validate_answers(
        fields,
        {
            "model": "ThinkPad X1",
            "monitors": "2",
            "accessories": ["Mouse", "Dock", "Mouse"],
            "needed_by": "2026-12-01",
            "notes": "  asap ",
            "manager_email": "Ana@Example.com",
            "replacement": False,
        },
    )
    assert cleaned == {
        "model": "ThinkPad X1",
        "monitors": 2,
        "accessories": ["Dock", "Mouse"],
        "needed_by": "2026-12-01",
        "notes": "asap",
        "manager_email": "ana@example.com",
        "replacement": False,
    }


def test_every_wrong_answer_is_named_at_once():
    fields = parse_form_definition(LAPTOP)
    with pytest.raises(AnswerError) as raised:
        validate_answers(
            fields,
            {
                "monitors": 3,
                "accessories": ["Laptop"],
                "needed_by": "01/12/2026",
                "notes": "x" * 21,
                "manager_email": "not-an-email",
                "replacement": "yes",
                "colour": "red",
            },
        )
    assert set(raised.value.errors) == {
        "model",
        "monitors",
        "accessories",
        "needed_by",
        "notes",
        "manager_email",
        "replacement",
        "colour",
    }
    assert raised.value.errors["model"] == "This field is required."
    assert raised.value.errors["monitors"] == "Must be at most 2."
    assert raised.value.errors["colour"] == "Unknown field."


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"name": "x"}, "must be a list"),
        ([{"name": "Bad Name", "type": "text"}], "field 1: name must be"),
        ([{"name": "a", "type": "text"}, {"name": "a", "type": "text"}], "'a' appears twice"),
        ([{"name": "a", "type": "colour"}], "type must be one of"),
        ([{"name": "a", "type": "choice"}], "choices must be"),
        ([{"name": "a", "type": "choice", "choices": ["x", "x"]}], "distinct"),
        ([{"name": "a", "type": "text", "choices": ["x"]}], "only choice fields"),
        ([{"name": "a", "type": "integer", "min": 5, "max": 1}], "min is greater"),
        ([{"name": "a", "type": "text", "min": 1}], "only number fields"),
        ([{"name": "a", "type": "text", "colour": 1}], "unknown key(s) colour"),
        ([{"name": "a", "type": "text", "required": "yes"}], "required must be"),
        ([{"name": "a", "type": "boolean", "max_length": 5}], "max_length"),
    ],
)
def test_bad_definitions_are_explained(definition, message):
    with pytest.raises(FormDefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_form_definition(definition)


def test_non_finite_and_non_integer_numbers_are_rejected():
    fields = parse_form_definition(
        [{"name": "n", "type": "integer"}, {"name": "x", "type": "number"}]
    )
    for answers, field in [({"n": 1.5}, "n"), ({"x": float("nan")}, "x"), ({"n": True}, "n")]:
        with pytest.raises(AnswerError) as raised:
            validate_answers(fields, answers)
        assert field in raised.value.errors
