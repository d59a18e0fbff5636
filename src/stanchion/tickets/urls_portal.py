"""The employee portal: get help, my tickets, approvals."""

from django.urls import path

from . import views_portal as portal
from . import views_portal_approvals as approvals
from . import views_portal_tickets as tickets

urlpatterns = [
    path("help/", portal.PortalHomeView.as_view(), name="portal-home"),
    path("help/report/", portal.ReportIncidentView.as_view(), name="portal-report"),
    path("help/request/", portal.RequestCatalogView.as_view(), name="portal-request-list"),
    path("help/request/<int:pk>/", portal.RequestItemView.as_view(), name="portal-request-item"),
    path("my-tickets/", tickets.MyTicketsView.as_view(), name="my-tickets"),
    path("my-tickets/<str:number>/", tickets.PortalTicketView.as_view(), name="portal-ticket"),
    path("my-tickets/<str:number>/reply/", tickets.ReplyView.as_view(), name="portal-reply"),
    path("my-tickets/<str:number>/reopen/", tickets.ReopenView.as_view(), name="portal-reopen"),
    path("my-tickets/<str:number>/rate/", tickets.RateView.as_view(), name="portal-rate"),
    path("approvals/", approvals.ApprovalInboxView.as_view(), name="approval-list"),
    path("approvals/<int:pk>/", approvals.ApprovalDetailView.as_view(), name="approval-detail"),
]
