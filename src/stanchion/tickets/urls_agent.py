"""The agent workspace, under /desk/ (the employee portal has its own URLs)."""

from django.urls import path
from django.views.generic import RedirectView

from .views_agent_actions import TicketActionView
from .views_agent_bulk import BulkActionView, DeleteSavedViewView, SaveViewView
from .views_agent_new import NewIncidentView, PersonSearchView, PriorityPreviewView
from .views_agent_queues import QUEUES, QueueView
from .views_agent_ticket import ClockExplainView, TicketDetailView

urlpatterns = [
    path("desk/", RedirectView.as_view(pattern_name="tickets:queue-mine"), name="desk"),
    *[
        path(f"desk/{slug}/", QueueView.as_view(), {"queue": slug}, name=f"queue-{slug}")
        for slug in QUEUES
    ],
    path("desk/bulk/", BulkActionView.as_view(), name="bulk"),
    path("desk/views/", SaveViewView.as_view(), name="view-save"),
    path("desk/views/<int:pk>/delete/", DeleteSavedViewView.as_view(), name="view-delete"),
    path("desk/new/", NewIncidentView.as_view(), name="incident-new"),
    path("desk/people/", PersonSearchView.as_view(), name="person-search"),
    path("desk/priority/", PriorityPreviewView.as_view(), name="priority-preview"),
    path("desk/tickets/<str:number>/", TicketDetailView.as_view(), name="ticket"),
    path(
        "desk/tickets/<str:number>/clocks/<int:pk>/",
        ClockExplainView.as_view(),
        name="clock-explain",
    ),
    path(
        "desk/tickets/<str:number>/<slug:action>/",
        TicketActionView.as_view(),
        name="ticket-action",
    ),
]
