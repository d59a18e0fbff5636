"""KPI pages for one service (its KPIs, SLA attainment, availability,
trends) and one team (queue health, OLA attainment, its share of the KPIs)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from stanchion.accounts.roles import has_perm

from .charts import bar_chart, line_chart
from .engine import target_table
from .registry import UNITS, kpis
from .views_common import (
    KpiView,
    history,
    kpi_url,
    make_tile,
    period_from,
    period_nav,
    pick,
    with_period,
)

TREND_PERIODS = 12
# The service page leads with these: what the service's users feel.
SERVICE_HEADLINES = (
    "availability",
    "sla_response_incidents",
    "sla_resolution_incidents",
    "sla_response_requests",
    "sla_resolution_requests",
)
SERVICE_TRENDS = ("availability", "sla_resolution_incidents", "incident_volume")
TEAM_HEADLINES = ("ola_attainment",)
AGES = (
    ("Under 1 day", 0, 1),
    ("1–3 days", 1, 3),
    ("3–7 days", 3, 7),
    ("7–14 days", 7, 14),
    ("14–30 days", 14, 30),
    ("Over 30 days", 30, None),
)


def split_tiles(runs, selected, targets, segment, key, period, headline_keys):
    """Tiles for one segment value, the headline KPIs first."""
    tiles = {
        kpi.key: make_tile(
            kpi, runs, targets, segment, key, page_url=f"{kpi_url(kpi, period)}#by-{segment}"
        )
        for kpi in selected
    }
    headlines = [tiles.pop(k) for k in headline_keys if k in tiles]
    return headlines, list(tiles.values())


def trend_chart(kpi, runs, targets, segment, key):
    series = [pick(kpi, each, results, targets, segment, key) for each, results in runs]
    target, warning = targets.target_for(kpi, segment, key)
    return line_chart(
        [(v.period.key, v.value, kpi_url(kpi, v.period)) for v in series],
        target=target,
        warning=warning,
        unit=UNITS[kpi.unit],
        label=f"{kpi.name}, last {len(series)} periods",
        height=200,
    )


class ServiceKpisView(KpiView, View):
    template_name = "metrics/service.html"

    def get(self, request, pk):
        from stanchion.catalog.models import Service

        service = get_object_or_404(Service.objects.visible_to(request.user), pk=pk)
        period = period_from(request.GET)
        targets = target_table()
        selected = [kpi for kpi in kpis.all() if "service" in kpi.segments]
        runs = history(selected, period, "service", count=TREND_PERIODS, targets=targets)
        headlines, others = split_tiles(
            runs, selected, targets, "service", service.pk, period, SERVICE_HEADLINES
        )
        trends = [
            (
                kpi.name,
                trend_chart(kpi, runs, targets, "service", service.pk),
                targets.target_for(kpi, "service", service.pk)[0] is not None,
            )
            for kpi in (kpis.get(key) for key in SERVICE_TRENDS)
            if kpi is not None and kpi in selected
        ]
        context = {
            "title": f"{service.name}: KPIs",
            "service": service,
            "period": period,
            "headlines": headlines,
            "tiles": others,
            "trends": trends,
            "trend_periods": TREND_PERIODS,
            "dashboard_url": with_period(reverse("metrics:dashboard"), period),
            "picker": period_nav(period, reverse("metrics:service", args=[service.pk])),
        }
        return render(request, self.template_name, context)


def queue_health(team, now):
    """Open tickets the team holds, by state and by age, and those whose
    SLA is due soon or past: three queries whatever the queue's size."""
    from stanchion.tickets.choices import OPEN_STATES, TicketState
    from stanchion.tickets.models import Ticket
    from stanchion.tickets.views_agent_queues import BREACHING_WINDOW

    open_tickets = Ticket.objects.filter(assignment_team=team, state__in=OPEN_STATES)
    grouped = open_tickets.order_by().values("state").annotate(n=Count("pk"))
    by_state = {row["state"]: row["n"] for row in grouped}
    all_url = reverse("tickets:queue-all")
    states = [
        (
            TicketState.label(state),
            by_state.get(state, 0),
            f"{all_url}?{urlencode({'assignment_team': team.pk, 'state': state})}",
        )
        for state in OPEN_STATES
    ]
    buckets = {}
    for position, (_, low, high) in enumerate(AGES):
        condition = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - timedelta(days=high))
        buckets[f"a{position}"] = Count("pk", filter=condition)
    counts = open_tickets.aggregate(**buckets)
    ages = [(label, counts[f"a{i}"] or 0) for i, (label, _, _) in enumerate(AGES)]
    breaching = open_tickets.filter(sla_due_at__lte=now + BREACHING_WINDOW).order_by("sla_due_at")
    breaching_rows = list(breaching.select_related("service", "assignee")[:20])
    breaching_url = (
        f"{reverse('tickets:queue-breaching')}?{urlencode({'assignment_team': team.pk})}"
    )
    return {
        "open": sum(by_state.values()),
        "states": states,
        "state_chart": bar_chart(
            [(label, n, url, None) for label, n, url in states], label="Open tickets by state"
        ),
        "ages": ages,
        "age_chart": bar_chart(
            [(label, n, "", None) for label, n in ages], label="Open tickets by age"
        ),
        "breaching": breaching_rows,
        "breaching_count": breaching.count() if len(breaching_rows) == 20 else len(breaching_rows),
        "breaching_url": breaching_url,
        "all_url": f"{all_url}?{urlencode({'assignment_team': team.pk})}",
        "now": now,
    }


class TeamKpisView(KpiView, View):
    template_name = "metrics/team.html"

    def get(self, request, pk):
        from stanchion.accounts.models import Team

        team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
        period = period_from(request.GET)
        targets = target_table()
        selected = [kpi for kpi in kpis.all() if "team" in kpi.segments]
        runs = history(selected, period, "team", count=TREND_PERIODS, targets=targets)
        headlines, others = split_tiles(
            runs, selected, targets, "team", team.pk, period, TEAM_HEADLINES
        )
        ola = kpis.get("ola_attainment")
        context = {
            "title": f"{team.name}: queue and KPIs",
            "team": team,
            "period": period,
            "headlines": headlines,
            "tiles": others,
            "ola_chart": (
                trend_chart(ola, runs, targets, "team", team.pk) if ola in selected else ""
            ),
            "queue": queue_health(team, timezone.now()),
            "can_open_queue": has_perm(request.user, "slaclock.view"),
            "trend_periods": TREND_PERIODS,
            "dashboard_url": with_period(reverse("metrics:dashboard"), period),
            "picker": period_nav(period, reverse("metrics:team", args=[team.pk])),
        }
        return render(request, self.template_name, context)
