"""Database expressions behind the change KPIs, for SQLite and PostgreSQL.

``BusinessDaysBetween(later, earlier)`` is the lead time in business days:
the wall-clock time between two instants, read in the reporting time zone
(settings.REPORT_TIME_ZONE), less every Saturday and Sunday in between,
in days of 24 hours. Friday 16:00 to Monday 10:00 is 8 + 10 hours = 0.75
business days; Saturday noon to Sunday noon is 0. Public holidays count as
business days (a change may touch services on several business calendars,
and the lead time is the organisation's, not one service's). Times are
read to the second.

It is computed in the database from a weekday-only clock: W(t) is the
number of business days from Monday 1970-01-05 00:00 (local) to t, i.e.
5 per whole week plus the part of the current week, capped at 5 (the
weekend adds nothing). The lead time is W(later) - W(earlier).

``HasConflictKind(*kinds)`` is true for a change whose stored conflicts
(the JSON list changes.conflicts wrote when it was last planned) hold one
of ``kinds``.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, F, FloatField, Func
from django.db.models.functions import TruncSecond

from .choices import ConflictKind

# julianday('1970-01-05 00:00:00'), a Monday.
_MONDAY_JULIAN = 2440591.5
# 1970-01-05 is four days after the Unix epoch.
_MONDAY_EPOCH_DAYS = 4


class _LocalDays(Func):
    """Days (fractional) from Monday 1970-01-05 00:00 to a local wall-clock
    time (a TruncSecond in the reporting zone)."""

    output_field = FloatField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"(julianday(%(expressions)s) - {_MONDAY_JULIAN})",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0 - {_MONDAY_EPOCH_DAYS})",
            **extra,
        )


def _weekday_clock(sql, vendor):
    """W(x) for ``x`` days since the Monday: 5 per whole week, plus the
    week's part, at most 5. Times before 1970 are not expected (a change's
    timestamps), so truncation is the floor."""
    week = f"CAST(({sql}) / 7 AS INTEGER)" if vendor == "sqlite" else f"FLOOR(({sql}) / 7)"
    least = "MIN" if vendor == "sqlite" else "LEAST"
    return f"(5 * {week} + {least}(({sql}) - 7 * {week}, 5))", 3


class BusinessDaysBetween(Func):
    """``later - earlier`` in business days (see the module's docstring)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier, **extra):
        super().__init__(F(later) if isinstance(later, str) else later,
                         F(earlier) if isinstance(earlier, str) else earlier, **extra)  # fmt: skip

    def resolve_expression(self, *args, **kwargs):
        # The zone is read when a query is built, not when the KPI is
        # defined, so a changed setting takes effect.
        zone = ZoneInfo(settings.REPORT_TIME_ZONE)
        local = [
            e if isinstance(e, _LocalDays) else _LocalDays(TruncSecond(e, tzinfo=zone))
            for e in self.get_source_expressions()
        ]
        copy = self.copy()
        copy.set_source_expressions(local)
        return super(BusinessDaysBetween, copy).resolve_expression(*args, **kwargs)

    def _sql(self, compiler, connection, vendor):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        parts, params = [], []
        for sql, found in (later, earlier):
            clock, uses = _weekday_clock(sql, vendor)
            parts.append(clock)
            params.extend(list(found) * uses)
        return f"({parts[0]} - {parts[1]})", params

    def as_sqlite(self, compiler, connection, **extra):
        return self._sql(compiler, connection, "sqlite")

    def as_postgresql(self, compiler, connection, **extra):
        return self._sql(compiler, connection, "postgresql")


class HasConflictKind(Func):
    """True when the change's stored conflicts include one of ``kinds``."""

    output_field = BooleanField()
    conditional = True
    arity = 1

    def __init__(self, *kinds, field="conflicts"):
        unknown = set(kinds) - set(ConflictKind.values())
        if unknown or not kinds:
            raise ValueError(f"Unknown conflict kinds: {sorted(unknown)}")
        # Choice values ([a-z_]+), checked above: safe to write into the SQL.
        self.kinds = tuple(kinds)
        super().__init__(F(field))

    def as_sqlite(self, compiler, connection, **extra):
        listed = ", ".join(f"'{kind}'" for kind in self.kinds)
        # The kinds are choice values, checked in __init__.
        template = (
            "EXISTS (SELECT 1 FROM json_each(%(expressions)s) AS conflict "  # noqa: S608
            "WHERE conflict.type = 'object' "
            f"AND json_extract(conflict.value, '$.kind') IN ({listed}))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # Containment, one array per kind: '[{"kind": "blackout"}]'.
        tests = " OR ".join(
            f'%(expressions)s @> \'[{{"kind": "{kind}"}}]\'::jsonb' for kind in self.kinds
        )
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({tests})".replace("%(expressions)s", sql), list(params) * len(self.kinds)
