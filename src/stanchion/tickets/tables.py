"""The queue table: its columns, its sorts and keyset pages.

Pages are cut on (sort value, id) with a LIMIT, never OFFSET or COUNT: the
hundredth page of a million-ticket queue costs what the first does, and
tickets with equal sort values (many have no SLA due time) are ordered by id
so a page never repeats or skips one. Tickets without an SLA due time come
last when sorting soonest-due first.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q

from stanchion.core.tables import Column, Table

PAGE_SIZE = 50


@dataclass(frozen=True)
class SortKey:
    field: str
    nullable: bool = False
    is_datetime: bool = True


SORT_KEYS = {
    "sla": SortKey("sla_due_at", nullable=True),
    "priority": SortKey("priority", is_datetime=False),
    "created": SortKey("created_at"),
    "updated": SortKey("updated_at"),
}
SORT_CHOICES = [
    ("sla", "SLA due, soonest first"),
    ("priority", "Priority, highest first"),
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("-updated", "Recently updated"),
]


class CursorError(ValueError):
    pass


def encode_cursor(value, pk):
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token, key):
    try:
        padded = token + "=" * (-len(token) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise CursorError
        if value is not None:
            if not isinstance(value, str) or (value == "" and key.is_datetime):
                raise CursorError
            if key.is_datetime:
                value = datetime.fromisoformat(value)
        elif not key.nullable:
            raise CursorError
        return value, pk
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise CursorError("This page link is not valid; showing the first page.") from None


def _order(key, descending):
    # Ascending puts empty values last; descending is its exact mirror.
    field = F(key.field)
    if descending:
        value = field.desc(nulls_first=True) if key.nullable else field.desc()
        return [value, "-id"]
    value = field.asc(nulls_last=True) if key.nullable else field.asc()
    return [value, "id"]


def _after(key, descending, value, pk):
    """Rows that come after (value, pk) in the given order."""
    name = key.field
    if not descending:
        if value is None:
            return Q(**{f"{name}__isnull": True, "id__gt": pk})
        after = Q(**{f"{name}__gt": value}) | Q(**{name: value, "id__gt": pk})
        return after | Q(**{f"{name}__isnull": True}) if key.nullable else after
    if value is None:
        return Q(**{f"{name}__isnull": True, "id__lt": pk}) | Q(**{f"{name}__isnull": False})
    return Q(**{f"{name}__lt": value}) | Q(**{name: value, "id__lt": pk})


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str = ""
    previous_cursor: str = ""


def keyset_page(queryset, sort, *, after=None, before=None, size=PAGE_SIZE, make_row=None):
    """One page of ``queryset`` in ``sort`` order ("sla", "-updated"...).
    ``after``/``before`` are cursors from an earlier page (CursorError when
    one is malformed). ``make_row`` turns what the queryset gives (e.g. a
    values_list tuple) into a row with ``pk`` and the sort field."""
    key, descending = SORT_KEYS[sort.lstrip("-")], sort.startswith("-")
    make_row = make_row or (lambda row: row)

    def cursor(row):
        return encode_cursor(getattr(row, key.field), row.pk)

    if before:
        value, pk = decode_cursor(before, key)
        flipped = not descending
        rows = [
            make_row(row)
            for row in queryset.filter(_after(key, flipped, value, pk)).order_by(
                *_order(key, flipped)
            )[: size + 1]
        ]
        more = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows,
            next_cursor=cursor(rows[-1]) if rows else "",
            previous_cursor=cursor(rows[0]) if rows and more else "",
        )
    if after:
        value, pk = decode_cursor(after, key)
        queryset = queryset.filter(_after(key, descending, value, pk))
    rows = [make_row(row) for row in queryset.order_by(*_order(key, descending))[: size + 1]]
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        next_cursor=cursor(rows[-1]) if more else "",
        previous_cursor=cursor(rows[0]) if after and rows else "",
    )


class TicketTable(Table):
    columns = (
        Column("created", "Number", ("created_at",)),
        Column("title", "Title"),
        Column("requester", "Requester", (), "hide-narrow"),
        Column("priority", "Priority", ("priority",)),
        Column("state", "State"),
        Column("team", "Team / assignee", (), "hide-narrow"),
        Column("sla", "SLA due", ("sla_due_at",)),
        Column("updated", "Updated", ("updated_at",), "hide-narrow"),
    )
    default_sort = "sla"
    # No row template: tickets/queue_rows.py writes the rows (an include per
    # row cost more than the page's queries).

    def __init__(self, params, default_sort=None, base_url=""):
        if default_sort:
            self.default_sort = default_sort
        self.base_url = base_url  # links must not point at the bulk action's URL
        super().__init__(params)

    def _url(self, **changes):
        params = self.params.copy()
        for name in ("after", "before", "page"):
            params.pop(name, None)
        for name, value in changes.items():
            params[name] = value
        return f"{self.base_url}?{params.urlencode()}"

    def page(self, queryset, *, after=None, before=None, size=PAGE_SIZE, make_row=None):
        return keyset_page(
            queryset, self.sort, after=after, before=before, size=size, make_row=make_row
        )
