"""Changes, approvals, CAB meetings, templates, windows and blackouts."""

from django.urls import path, re_path

from . import views_admin as admin
from .views_actions import ChangeActionView
from .views_approvals import (
    ApprovalDecideView,
    ApprovalInboxView,
    DelegationView,
    EndDelegationView,
)
from .views_cab import CabActionView, CabDetailView, CabListView, CabPlanView
from .views_change import ChangeDetailView
from .views_list import ChangeListView
from .views_new import EditChangeView, NewChangeView

# A change number in a URL: CHG-000045 (any case), never a fixed word.
NUMBER = r"(?P<number>[A-Za-z]{3}-\d{1,12})"

urlpatterns = [
    path("changes/", ChangeListView.as_view(), name="change-list"),
    path("changes/new/", NewChangeView.as_view(), name="change-new"),
    re_path(rf"^changes/{NUMBER}/$", ChangeDetailView.as_view(), name="change-detail"),
    re_path(rf"^changes/{NUMBER}/edit/$", EditChangeView.as_view(), name="change-edit"),
    re_path(
        rf"^changes/{NUMBER}/(?P<action>[a-z-]+)/$",
        ChangeActionView.as_view(),
        name="change-action",
    ),
    # My approvals and delegation
    path("change-approvals/", ApprovalInboxView.as_view(), name="approval-inbox"),
    path("change-approvals/<int:pk>/decide/", ApprovalDecideView.as_view(), name="approval-decide"),
    path("change-approvals/delegation/", DelegationView.as_view(), name="delegations"),
    path(
        "change-approvals/delegation/<int:pk>/end/",
        EndDelegationView.as_view(),
        name="delegation-end",
    ),
    # CAB meetings
    path("cab/", CabListView.as_view(), name="cab-list"),
    path("cab/new/", CabPlanView.as_view(), name="cab-new"),
    path("cab/<int:pk>/", CabDetailView.as_view(), name="cab-detail"),
    path("cab/<int:pk>/<slug:action>/", CabActionView.as_view(), name="cab-action"),
    # Standard change templates
    path("change-templates/", admin.TemplateListView.as_view(), name="template-list"),
    path("change-templates/new/", admin.TemplateEditView.as_view(), name="template-create"),
    path("change-templates/<int:pk>/", admin.TemplateDetailView.as_view(), name="template-detail"),
    path("change-templates/<int:pk>/edit/", admin.TemplateEditView.as_view(), name="template-edit"),
    path(
        "change-templates/<int:pk>/delete/",
        admin.TemplateDeleteView.as_view(),
        name="template-delete",
    ),
    # Maintenance windows
    path("maintenance-windows/", admin.WindowListView.as_view(), name="window-list"),
    path("maintenance-windows/new/", admin.WindowEditView.as_view(), name="window-create"),
    path("maintenance-windows/<int:pk>/", admin.WindowDetailView.as_view(), name="window-detail"),
    path("maintenance-windows/<int:pk>/edit/", admin.WindowEditView.as_view(), name="window-edit"),
    path(
        "maintenance-windows/<int:pk>/delete/",
        admin.WindowDeleteView.as_view(),
        name="window-delete",
    ),
    # Blackouts
    path("blackouts/", admin.BlackoutListView.as_view(), name="blackout-list"),
    path("blackouts/new/", admin.BlackoutEditView.as_view(), name="blackout-create"),
    path("blackouts/<int:pk>/", admin.BlackoutDetailView.as_view(), name="blackout-detail"),
    path("blackouts/<int:pk>/edit/", admin.BlackoutEditView.as_view(), name="blackout-edit"),
    path("blackouts/<int:pk>/delete/", admin.BlackoutDeleteView.as_view(), name="blackout-delete"),
]
