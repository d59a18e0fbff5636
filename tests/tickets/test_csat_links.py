"""The one-click satisfaction links: they work without signing in, once;
opening one only shows the page (mail scanners prefetch links); tampered,
expired and out-of-range links get a clear 400, never a 500."""

import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from stanchion.tickets import csat, services
from stanchion.tickets.models import CsatSurvey, TimelineEvent

from .conftest import T0


@pytest.fixture
def survey(desk):
    ticket = services.open_incident(
        actor=desk.agent, requester=desk.requester, title="Wi-Fi drops", now=T0
    )
    services.resolve(ticket, actor=desk.agent, code="solved", notes="New access point")
    return CsatSurvey.objects.get(ticket=ticket)


def link(survey_id, rating):
    return reverse("notifications:csat-answer", args=[csat.sign(survey_id, rating)])


@pytest.fixture
def anonymous():
    return Client(enforce_csrf_checks=True)


def post_with_csrf(client, url, data):
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_opening_a_link_shows_the_rating_chosen_and_records_nothing(survey, anonymous):
    page = anonymous.get(link(survey.pk, 4))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="4" checked' in body and 'value="5" checked' not in body
    assert survey.ticket.number in body
    assert page["Referrer-Policy"] == "no-referrer"
    survey.refresh_from_db()
    assert survey.answered_at is None and survey.rating is None


def test_confirming_records_once_and_writes_a_public_timeline_event(survey, anonymous):
    url = link(survey.pk, 4)
    answer = post_with_csrf(anonymous, url, {"rating": "5", "comment": "  Quick fix, thanks "})
    assert answer.status_code == 200 and "Thank you" in answer.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (5, "Quick fix, thanks")
    event = TimelineEvent.objects.get(ticket=survey.ticket, kind="csat")
    assert event.public and event.actor is None
    assert event.data["rating"] == 5 and event.body == "Quick fix, thanks"

    again = post_with_csrf(anonymous, link(survey.pk, 1), {"rating": "1"})
    assert again.status_code == 409 and "already answered" in again.content.decode()
    reopened = anonymous.get(url)
    assert reopened.status_code == 200 and "Already answered" in reopened.content.decode()
    survey.refresh_from_db()
    assert survey.rating == 5
    assert TimelineEvent.objects.filter(kind="csat").count() == 1


def test_tampered_links_are_refused(survey, anonymous):
    token = csat.sign(survey.pk, 5)
    forged = token.replace(token[3], "A" if token[3] != "A" else "B", 1)
    for bad in (forged, token[:-2], "nonsense", token + "x"):
        page = anonymous.get(reverse("notifications:csat-answer", args=[bad]))
        assert page.status_code == 400, bad
        assert "not valid" in page.content.decode()
    # Signed for another purpose with the same key: still not a rating link.
    other = signing.TimestampSigner(salt="something.else").sign_object({"s": survey.pk, "r": 5})
    page = anonymous.get(reverse("notifications:csat-answer", args=[other]))
    assert page.status_code == 400
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_expired_links_are_refused(survey, anonymous, settings):
    settings.CSAT_LINK_DAYS = 30
    signed_31_days_ago = time.time() - 31 * 86400
    with mock.patch("django.core.signing.time.time", return_value=signed_31_days_ago):
        old = link(survey.pk, 5)
    page = anonymous.get(old)
    assert page.status_code == 400 and "expired" in page.content.decode()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 86400):
        recent = link(survey.pk, 5)
    assert anonymous.get(recent).status_code == 200


def test_ratings_outside_one_to_five_are_refused(survey, anonymous):
    page = anonymous.get(link(survey.pk, 7))
    assert page.status_code == 400 and "from 1 to 5" in page.content.decode()
    for bad in ("0", "6", "abc", ""):
        answer = post_with_csrf(anonymous, link(survey.pk, 3), {"rating": bad})
        assert answer.status_code == 400, bad
        assert "Choose a rating from 1 to 5." in answer.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_overlong_comment_is_named(survey, anonymous):
    answer = post_with_csrf(anonymous, link(survey.pk, 3), {"rating": "3", "comment": "x" * 2001})
    assert answer.status_code == 400
    assert "at most 2000 characters" in answer.content.decode()


def test_a_missing_survey_is_a_clear_404(survey, anonymous):
    page = anonymous.get(link(survey.pk + 1000, 3))
    assert page.status_code == 404 and "no longer exists" in page.content.decode()


def test_signed_in_requesters_rate_through_the_same_service(desk, survey):
    assert csat.open_survey(survey.ticket) == survey
    csat.answer_survey(survey, actor=desk.requester_login, rating=2, comment="Slow")
    survey.refresh_from_db()
    assert survey.rating == 2
    event = TimelineEvent.objects.get(kind="csat")
    assert event.actor == desk.requester_login
    assert csat.open_survey(survey.ticket) is None
    with pytest.raises(csat.AlreadyAnswered):
        csat.answer_survey(survey, actor=desk.requester_login, rating=5)
