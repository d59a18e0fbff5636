"""Change management pages under /changes/: the change pages, approvals and
CAB (urls_pages) and the change calendar with its iCalendar feeds
(urls_calendar)."""

from . import urls_calendar, urls_pages

app_name = "changes"

urlpatterns = [*urls_calendar.urlpatterns, *urls_pages.urlpatterns]
