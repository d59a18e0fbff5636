from django.urls import path

from . import views_calendars as calendars
from . import views_items as items
from . import views_policies as policies
from . import views_portal as portal
from . import views_services as services

app_name = "catalog"

urlpatterns = [
    # The employee service catalog
    path("catalog/", portal.PortalView.as_view(), name="portal"),
    path("catalog/services/<int:pk>/", portal.PortalServiceView.as_view(), name="portal-service"),
    # The service portfolio
    path("services/", services.ServiceListView.as_view(), name="service-list"),
    path("services/new/", services.ServiceEditView.as_view(), name="service-create"),
    path("services/<int:pk>/", services.ServiceDetailView.as_view(), name="service-detail"),
    path("services/<int:pk>/edit/", services.ServiceEditView.as_view(), name="service-edit"),
    path(
        "services/<int:pk>/dependencies/",
        services.ServiceDependenciesView.as_view(),
        name="service-dependency-add",
    ),
    path(
        "services/<int:pk>/dependencies/<int:dependency_pk>/remove/",
        services.ServiceDependenciesView.as_view(),
        name="service-dependency-remove",
    ),
    # Catalog items
    path("catalog-items/", items.CatalogItemListView.as_view(), name="item-list"),
    path("catalog-items/new/", items.CatalogItemEditView.as_view(), name="item-create"),
    path("catalog-items/<int:pk>/", items.CatalogItemDetailView.as_view(), name="item-detail"),
    path("catalog-items/<int:pk>/edit/", items.CatalogItemEditView.as_view(), name="item-edit"),
    path(
        "catalog-items/<int:pk>/delete/", items.CatalogItemDeleteView.as_view(), name="item-delete"
    ),
    # Business calendars
    path("calendars/", calendars.CalendarListView.as_view(), name="calendar-list"),
    path("calendars/new/", calendars.CalendarCreateView.as_view(), name="calendar-create"),
    path("calendars/<int:pk>/", calendars.CalendarDetailView.as_view(), name="calendar-detail"),
    path("calendars/<int:pk>/edit/", calendars.CalendarEditView.as_view(), name="calendar-edit"),
    path("calendars/<int:pk>/hours/", calendars.CalendarHoursView.as_view(), name="calendar-hours"),
    path(
        "calendars/<int:pk>/closures/",
        calendars.CalendarClosuresView.as_view(),
        name="calendar-closure-add",
    ),
    path(
        "calendars/<int:pk>/closures/<int:closure_pk>/remove/",
        calendars.CalendarClosuresView.as_view(),
        name="calendar-closure-remove",
    ),
    # SLA and OLA policies
    path("sla/", policies.SlaMatrixView.as_view(), name="sla-matrix"),
    path("sla/new/", policies.SlaPolicyEditView.as_view(), name="sla-create"),
    path("sla/<int:pk>/", policies.SlaPolicyDetailView.as_view(), name="sla-detail"),
    path("sla/<int:pk>/edit/", policies.SlaPolicyEditView.as_view(), name="sla-edit"),
    path("sla/<int:pk>/delete/", policies.SlaPolicyDeleteView.as_view(), name="sla-delete"),
    path("sla/ola/", policies.OlaListView.as_view(), name="ola-list"),
    path("sla/ola/new/", policies.OlaPolicyEditView.as_view(), name="ola-create"),
    path("sla/ola/<int:pk>/", policies.OlaPolicyDetailView.as_view(), name="ola-detail"),
    path("sla/ola/<int:pk>/edit/", policies.OlaPolicyEditView.as_view(), name="ola-edit"),
    path("sla/ola/<int:pk>/delete/", policies.OlaPolicyDeleteView.as_view(), name="ola-delete"),
]
