"""The sidebar highlights one entry: the one whose URL is the longest prefix
of the page's path."""

from django.test import RequestFactory

from stanchion.accounts.roles import Role
from stanchion.web.context_processors import navigation


def active_labels(user, path):
    request = RequestFactory().get(path)
    request.user = user
    sections = navigation(request)["nav_sections"]
    return [link.label for _, links in sections for link in links if link.active]


def test_the_change_calendar_is_not_also_the_change_list(make_user):
    approver = make_user(Role.CHANGE_APPROVER)
    # /changes/calendar/ starts with both /changes/ and /changes/calendar/.
    assert active_labels(approver, "/changes/calendar/") == ["Change calendar"]
    assert active_labels(approver, "/changes/calendar/?month=2026-03") == ["Change calendar"]


def test_the_list_entry_still_covers_its_records(make_user):
    approver = make_user(Role.CHANGE_APPROVER)
    assert active_labels(approver, "/changes/") == ["Changes"]
    assert active_labels(approver, "/changes/CHG-000001/") == ["Changes"]


def test_a_page_under_no_entry_highlights_none(make_user):
    approver = make_user(Role.CHANGE_APPROVER)
    assert active_labels(approver, "/no-such-page/") == []
