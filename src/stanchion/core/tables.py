"""Tables for list pages: which columns exist, which may be sorted and how.

A ``Table`` names its columns and the template that renders one row; sorting
is limited to the columns that declare ``order_by``, so ``?sort=`` can never
order by an arbitrary (unindexed, or private) field.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the value of ?sort=
    label: str
    order_by: tuple[str, ...] = ()  # database fields; empty means not sortable
    css: str = ""  # e.g. "num" (right-aligned) or "hide-narrow"

    @property
    def sortable(self):
        return bool(self.order_by)


@dataclass(frozen=True)
class HeaderCell:
    label: str
    css: str
    url: str | None  # None when the column cannot be sorted
    aria_sort: str | None  # "ascending" / "descending" on the sorted column


def _flip(field):
    return field[1:] if field.startswith("-") else f"-{field}"


class Table:
    columns: tuple[Column, ...] = ()
    default_sort = ""  # e.g. "name" or "-created_at"
    row_template = ""

    def __init__(self, params):
        """``params`` is the request's QueryDict (``request.GET``)."""
        self.params = params
        self.sort_key, self.descending = self._parse(params.get("sort", ""))

    def _column(self, key):
        return next((c for c in self.columns if c.key == key and c.sortable), None)

    def _parse(self, value):
        key, descending = value.lstrip("-"), value.startswith("-")
        if self._column(key) is None:
            key, descending = self.default_sort.lstrip("-"), self.default_sort.startswith("-")
        return key, descending

    @property
    def sort(self):
        """The effective ``?sort=`` value (after falling back to the default)."""
        if not self.sort_key:
            return ""
        return f"-{self.sort_key}" if self.descending else self.sort_key

    def order(self, queryset):
        column = self._column(self.sort_key)
        fields = list(column.order_by) if column else []
        if self.descending:
            fields = [_flip(f) for f in fields]
        # The primary key breaks ties, so pages never repeat or skip a row.
        fields.append("-pk" if self.descending else "pk")
        return queryset.order_by(*fields)

    def headers(self):
        cells = []
        for column in self.columns:
            url = aria = None
            if column.sortable:
                active = column.key == self.sort_key
                if active:
                    aria = "descending" if self.descending else "ascending"
                # Clicking the sorted column reverses it; any other sorts ascending.
                target = column.key if not (active and not self.descending) else f"-{column.key}"
                url = self._url(sort=target)
            cells.append(HeaderCell(column.label, column.css, url, aria))
        return cells

    def _url(self, **changes):
        params = self.params.copy()
        params.pop("page", None)
        for name, value in changes.items():
            params[name] = value
        return f"?{params.urlencode()}"
