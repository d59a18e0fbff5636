"""The change list: every change the viewer may see, filtered by state,
type, service, team and risk, sorted by the columns that allow it. Its query
count does not grow with the rows: the services of the page's changes come
in one prefetch."""

from django.db.models import Prefetch

from stanchion.catalog.models import Service
from stanchion.core.tables import Column, Table
from stanchion.core.views import ObjectListView

from .forms import ChangeFilterSet
from .models import Change
from .views_base import ChangePageMixin, ZonedMixin


class ChangeTable(Table):
    columns = (
        Column("number", "Change", ("number",)),
        Column("type", "Type", ("change_type", "-created_at")),
        Column("state", "State", ("state", "-created_at")),
        Column("risk", "Risk", ("risk_score", "-created_at"), "num"),
        Column("services", "Services", (), "hide-narrow"),
        Column("team", "Team", ("implementer_team__name", "-created_at"), "hide-narrow"),
        Column("start", "Planned start", ("planned_start",)),
        Column("created", "Raised", ("created_at",), "hide-narrow"),
    )
    default_sort = "-created"
    row_template = "changes/rows/change.html"


class ChangeListView(ChangePageMixin, ZonedMixin, ObjectListView):
    model = Change
    title = "Changes"
    filterset_class = ChangeFilterSet
    table_class = ChangeTable
    template_name = "changes/change_list.html"
    create_url_name = "changes:change-new"
    empty_title = "No changes yet"
    empty_hint = (
        "Raise a change before touching production: standard changes from a "
        "pre-approved template, normal changes for assessment and approval."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("implementer_team", "owner", "template")
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name").order_by("name"))
            )
        )
