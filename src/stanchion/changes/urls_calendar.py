"""The change calendar (week and month) and the private iCalendar feeds."""

from django.urls import path, re_path

from .views_calendar import CalendarView
from .views_feeds import FeedIcsView, FeedListView, FeedRevokeView

urlpatterns = [
    path("changes/calendar/", CalendarView.as_view(), name="calendar"),
    path("changes/calendar/feeds/", FeedListView.as_view(), name="feeds"),
    path("changes/calendar/feeds/<int:pk>/revoke/", FeedRevokeView.as_view(), name="feed-revoke"),
    # The token is the key: calendar applications cannot sign in.
    re_path(
        r"^changes/calendar/feeds/(?P<token>cal_[A-Za-z0-9_-]{20,80})\.ics$",
        FeedIcsView.as_view(),
        name="feed-ics",
    ),
]
