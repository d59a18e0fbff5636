"""Database expressions the KPI queries need and Django does not offer in a
form both databases aggregate quickly."""

from django.db.models import F, FloatField, Func


class SecondsBetween(Func):
    """``later - earlier`` in seconds, as a float, computed by the database.

    Django's own datetime subtraction on SQLite calls a Python function per
    row; julianday() keeps a quarter of a million rows inside SQLite.
    """

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier, **extra):
        super().__init__(F(later) if isinstance(later, str) else later,
                         F(earlier) if isinstance(earlier, str) else earlier, **extra)  # fmt: skip

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            # Rounded to the millisecond: julianday() floats are off by a few
            # microseconds, enough to put a value exactly on target just off it.
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra,
        )
