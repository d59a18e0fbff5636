"""The change calendar (week and month) and the private iCalendar feeds."""

urlpatterns = []
