"""Columns of the catalog's list pages (which may be sorted, and how)."""

from stanchion.core.tables import Column, Table


class ServiceTable(Table):
    columns = (
        Column("name", "Service", ("name",)),
        Column("tier", "Tier", ("tier", "name")),
        Column("status", "Status", ("status", "name")),
        Column("owner", "Owner team", ("owner_team__name", "name"), "hide-narrow"),
        Column("support", "Support team", ("support_team__name", "name"), "hide-narrow"),
        Column("hours", "Support hours", ("calendar__name", "name"), "hide-narrow"),
        Column("items", "Items", ("item_count",), "num"),
    )
    default_sort = "name"
    row_template = "catalog/rows/service.html"


class CatalogItemTable(Table):
    columns = (
        Column("name", "Item", ("name",)),
        Column("service", "Service", ("service__name", "name")),
        Column("approval", "Approval", ("approval", "name")),
        Column("delivery", "Promised delivery", ("delivery_target", "name"), "num"),
        Column("tasks", "Tasks", ("task_count",), "num hide-narrow"),
        Column("status", "Status", ("-is_active", "name")),
    )
    default_sort = "name"
    row_template = "catalog/rows/item.html"


class CalendarTable(Table):
    columns = (
        Column("name", "Calendar", ("name",)),
        Column("zone", "Time zone", ("time_zone", "name")),
        Column("hours", "Weekly hours", ()),
        Column(
            "holidays", "Public holidays", ("holiday_country", "holiday_subdivision"), "hide-narrow"
        ),
        Column("services", "Services", ("service_count",), "num"),
    )
    default_sort = "name"
    row_template = "catalog/rows/calendar.html"
