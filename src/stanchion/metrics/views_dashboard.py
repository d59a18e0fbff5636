"""The IT operations dashboard: a tile per KPI for the chosen period, with
its target, status and the last twelve periods, and the headline tiles IT
leaders are judged by (P1 response and restore times, tier-1 availability)."""

from django.shortcuts import render
from django.urls import reverse
from django.views import View

from stanchion.accounts.roles import has_perm

from .engine import target_table
from .registry import kpis
from .views_common import KpiView, history, make_tile, period_from, period_nav, with_period

TREND_PERIODS = 12
# (KPI, segment, segment value, tile label): the numbers leaders ask for
# first, shown above the full set.
HEADLINES = (
    ("availability", "service_tier", "1", "Tier-1 availability"),
    ("mtta", "priority", "p1", "MTTA, P1"),
    ("mttr", "priority", "p1", "MTTR, P1"),
)


def headline_tiles(period, targets, count=TREND_PERIODS):
    """The headline tiles: one compute() per period for each segment they
    read (the KPIs sharing a segment are computed together)."""
    wanted = [(kpis.get(key), segment, value, label) for key, segment, value, label in HEADLINES]
    wanted = [row for row in wanted if row[0] is not None]
    by_segment = {}
    for kpi, segment, _, _ in wanted:
        by_segment.setdefault(segment, []).append(kpi)
    runs = {
        segment: history(chosen, period, segment, count=count, targets=targets)
        for segment, chosen in by_segment.items()
    }
    return [
        make_tile(kpi, runs[segment], targets, segment, value, label)
        for kpi, segment, value, label in wanted
    ]


class DashboardView(KpiView, View):
    template_name = "metrics/dashboard.html"

    def get(self, request):
        period = period_from(request.GET)
        targets = target_table()
        everything = kpis.all()
        runs = history(everything, period, count=TREND_PERIODS, targets=targets)
        groups = {}
        for kpi in everything:
            groups.setdefault(kpi.group, []).append(make_tile(kpi, runs, targets))
        context = {
            "title": "IT operations",
            "headlines": headline_tiles(period, targets),
            "groups": groups,
            "trend_periods": TREND_PERIODS,
            "picker": period_nav(period, reverse("metrics:dashboard")),
            "can_edit_targets": has_perm(request.user, "kpitarget.change"),
            "can_see_services": has_perm(request.user, "service.view"),
            "can_see_teams": has_perm(request.user, "team.view"),
            **_directory(request.user, period),
        }
        return render(request, self.template_name, context)


def _directory(user, period):
    """Services and teams to jump to their own KPI pages."""
    from stanchion.accounts.models import Team
    from stanchion.catalog.models import Service

    services = teams = []
    if has_perm(user, "service.view"):
        services = list(
            Service.objects.visible_to(user).exclude(status="retired").order_by("tier", "name")
        )
    if has_perm(user, "team.view"):
        teams = list(Team.objects.visible_to(user).filter(is_active=True).order_by("name"))
    return {
        "services": [
            (s.name, with_period(reverse("metrics:service", args=[s.pk]), period), s.tier_label)
            for s in services
        ],
        "teams": [
            (
                t.name,
                with_period(reverse("metrics:team", args=[t.pk]), period),
                t.get_tier_display(),
            )
            for t in teams
        ],
    }
