"""Catalog item form definitions: parsing the definition an administrator
writes, and validating an employee's answers against it.

Plain Python (no Django) so the same rules serve the web form, the API and
imports. A definition is a JSON list of fields:

    {"name": "model", "label": "Laptop model", "type": "choice", "required": true,
     "choices": ["MacBook Pro 14", "ThinkPad X1"], "help": "Ask IT if unsure"}

Types: text, textarea, integer, number, choice, multichoice, boolean, date,
email. Optional keys: required (default false), help, choices (choice and
multichoice), min and max (integer, number), max_length (text, textarea;
default 200 and 5000).
"""

import datetime as dt
import re
from dataclasses import dataclass

TYPES = (
    "text",
    "textarea",
    "integer",
    "number",
    "choice",
    "multichoice",
    "boolean",
    "date",
    "email",
)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEYS = {"name", "label", "type", "required", "help", "choices", "min", "max", "max_length"}
_DEFAULT_LENGTH = {"text": 200, "textarea": 5000}


class FormDefinitionError(ValueError):
    pass


class AnswerError(ValueError):
    def __init__(self, errors):
        self.errors = errors  # {field name: message}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    choices: tuple = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_field(position, raw, seen):
    where = f"field {position}"
    if not isinstance(raw, dict):
        raise FormDefinitionError(f"{where} must be an object.")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise FormDefinitionError(
            f"{where}: name must be lowercase letters, digits and underscores, starting with a "
            "letter."
        )
    where = f"field '{name}'"
    if name in seen:
        raise FormDefinitionError(f"{where} appears twice.")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FormDefinitionError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    kind = raw.get("type")
    if kind not in TYPES:
        raise FormDefinitionError(f"{where}: type must be one of {', '.join(TYPES)}.")
    label = raw.get("label", name.replace("_", " ").capitalize())
    if not isinstance(label, str) or not label.strip() or len(label) > 200:
        raise FormDefinitionError(f"{where}: label must be a non-empty text of 200 characters.")
    if not isinstance(raw.get("required", False), bool):
        raise FormDefinitionError(f"{where}: required must be true or false.")
    choices = raw.get("choices", [])
    if kind in ("choice", "multichoice"):
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or len(set(choices)) != len(choices)
        ):
            raise FormDefinitionError(f"{where}: choices must be a list of distinct texts.")
    elif "choices" in raw:
        raise FormDefinitionError(f"{where}: only choice fields have choices.")
    low, high = raw.get("min"), raw.get("max")
    if (low is not None or high is not None) and kind not in ("integer", "number"):
        raise FormDefinitionError(f"{where}: only number fields have min and max.")
    for bound in (low, high):
        if bound is not None and not _number(bound):
            raise FormDefinitionError(f"{where}: min and max must be numbers.")
    if low is not None and high is not None and low > high:
        raise FormDefinitionError(f"{where}: min is greater than max.")
    max_length = raw.get("max_length", _DEFAULT_LENGTH.get(kind))
    if "max_length" in raw and (
        kind not in _DEFAULT_LENGTH
        or not isinstance(max_length, int)
        or isinstance(max_length, bool)
        or not 1 <= max_length <= 20000
    ):
        raise FormDefinitionError(f"{where}: max_length must be 1-20000 on text fields.")
    return FieldSpec(
        name=name,
        label=label.strip(),
        type=kind,
        required=raw.get("required", False),
        help=str(raw.get("help", ""))[:500],
        choices=tuple(choices),
        min=low,
        max=high,
        max_length=max_length,
    )


def parse_form_definition(definition):
    if not isinstance(definition, list):
        raise FormDefinitionError("The form definition must be a list of fields.")
    if len(definition) > 50:
        raise FormDefinitionError("A form can have at most 50 fields.")
    seen, fields = set(), []
    for position, raw in enumerate(definition, start=1):
        spec = _parse_field(position, raw, seen)
        seen.add(spec.name)
        fields.append(spec)
    return fields


def _clean_value(spec, value):
    kind = spec.type
    if kind in ("text", "textarea", "email") and isinstance(value, str) and "\x00" in value:
        # PostgreSQL cannot store NUL in JSON: refuse it here, by name.
        raise ValueError("Null characters are not allowed.")
    if kind in ("text", "textarea"):
        if not isinstance(value, str):
            raise ValueError("Enter text.")
        if len(value) > spec.max_length:
            raise ValueError(f"At most {spec.max_length} characters.")
        return value.strip()
    if kind == "email":
        if not isinstance(value, str) or not _EMAIL.match(value.strip()) or len(value) > 254:
            raise ValueError("Enter a valid email address.")
        return value.strip().lower()
    if kind in ("integer", "number"):
        if isinstance(value, str):
            try:
                value = int(value) if kind == "integer" else float(value)
            except ValueError:
                raise ValueError(
                    f"Enter a{'n integer' if kind == 'integer' else ' number'}."
                ) from None
        if not _number(value) or (kind == "integer" and not float(value).is_integer()):
            raise ValueError(f"Enter a{'n integer' if kind == 'integer' else ' number'}.")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("Enter a finite number.")
        value = int(value) if kind == "integer" else value
        if spec.min is not None and value < spec.min:
            raise ValueError(f"Must be at least {spec.min}.")
        if spec.max is not None and value > spec.max:
            raise ValueError(f"Must be at most {spec.max}.")
        return value
    if kind == "choice":
        if value not in spec.choices:
            raise ValueError(f"Choose one of: {', '.join(spec.choices)}.")
        return value
    if kind == "multichoice":
        if not isinstance(value, list) or any(v not in spec.choices for v in value):
            raise ValueError(f"Choose from: {', '.join(spec.choices)}.")
        return sorted(set(value), key=spec.choices.index)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("Answer true or false.")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise ValueError("Enter a date as YYYY-MM-DD.") from None
    raise AssertionError(kind)


def _is_blank(value):
    # Spaces alone are no answer (they would be stored as an empty text).
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def validate_answers(fields, answers):
    """Clean ``answers`` (a dict) against parsed ``fields``; AnswerError names
    every wrong field at once."""
    if not isinstance(answers, dict):
        raise AnswerError({"answers": "Answers must be an object of field names to values."})
    specs = {spec.name: spec for spec in fields}
    errors = {name: "Unknown field." for name in answers if name not in specs}
    cleaned = {}
    for spec in fields:
        value = answers.get(spec.name)
        if _is_blank(value):
            if spec.required:
                errors[spec.name] = "This field is required."
            continue
        try:
            cleaned[spec.name] = _clean_value(spec, value)
        except ValueError as error:
            errors[spec.name] = str(error)
    if errors:
        raise AnswerError(errors)
    return cleaned
