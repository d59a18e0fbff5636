"""Major incident KPIs, registered with the KPI engine (stanchion.metrics).

Post-incident action closure rate: of the review actions *due* in the
period (due date in it), the share marked done on or before their due date
(the day they were marked done, in the reporting time zone, is not after
the due date). An action still open, or done late, counts against it; an
action due in a later period does not count yet. By service, an action
counts for each service its major incident affected.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual

from stanchion.metrics.registry import HIGHER, Kpi, Share, Source, kpis

GROUP = "Major incidents"


def _due_in(period, as_of):
    # Periods start and end at midnight in the reporting zone: their dates
    # are the due dates they hold.
    last = (period.end - timedelta(microseconds=1)).date()
    return Q(due_date__gte=period.start.date(), due_date__lte=last)


ACTIONS_DUE = Source(
    "review_actions_due",
    "majorincidents.ReviewAction",
    "Post-incident review actions due in the period (due date in it)",
    _due_in,
    {"service": "review__major_incident__services"},
    ("owner", "review__major_incident"),
    "majorincidents/kpi_records.html",
)


def closed_on_time(period=None, as_of=None):
    """Done, on a day (in the reporting zone) no later than the due date."""
    zone = ZoneInfo(settings.REPORT_TIME_ZONE)
    done_day = TruncDate("done_at", tzinfo=zone)
    return Q(state="done") & Q(LessThanOrEqual(done_day, F("due_date")))


MI_KPIS = [
    Kpi(
        key="post_incident_action_closure_rate",
        name="Post-incident action closure rate",
        group=GROUP,
        formula=(
            "Of the post-incident review actions due in the period, the share marked done on "
            "or before their due date."
        ),
        notes=(
            "An action still open at its due date, or done after it, counts as not closed; "
            "reopening an action clears its done date. Moving the due date moves the action "
            "to the period of its new date. By service, an action counts for each service its "
            "major incident affected."
        ),
        unit="percent",
        direction=HIGHER,
        source=ACTIONS_DUE,
        measure=Share(closed_on_time),
        target=90.0,
        warning=75.0,
        segments=("service",),
        order=10,
    ),
]


def register():
    kpis.register(*MI_KPIS)
