"""The one-click satisfaction page behind the links in the resolution email.

No sign-in: the signed link is the credential. Opening a link (GET) only
shows the page with that rating chosen and an optional comment; the answer
is recorded by the page's button (POST). Mail scanners and link previews
open every link in a message, and a GET that recorded the rating would let
them answer for the requester, always with the first link's "1".
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stanchion.tickets import csat
from stanchion.tickets.models import CsatSurvey

TEMPLATE = "notifications/csat_answer.html"


def _page(request, context, status=200):
    response = render(request, TEMPLATE, {"title": "How did we do?", **context}, status=status)
    # The link is a credential: keep it out of caches and other sites' logs.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        survey_id, linked_rating = csat.read_link(token)
    except csat.InvalidLink as error:
        return _page(request, {"state": "invalid", "message": error.message}, status=400)
    survey = CsatSurvey.objects.select_related("ticket").filter(pk=survey_id).first()
    if survey is None:
        return _page(
            request,
            {"state": "invalid", "message": "This survey no longer exists."},
            status=404,
        )
    context = {
        "survey": survey,
        "ticket": survey.ticket,
        "ratings": list(csat.RATING_LABELS.items()),
        "rating": linked_rating,
        "comment": "",
    }
    if survey.answered_at is not None:
        status = 409 if request.method == "POST" else 200
        return _page(request, {**context, "state": "answered"}, status=status)
    if request.method == "GET":
        return _page(request, {**context, "state": "ask"})
    rating = request.POST.get("rating", "")
    comment = request.POST.get("comment", "")
    context.update(comment=comment, rating=int(rating) if rating.isdigit() else linked_rating)
    try:
        survey = csat.answer_survey(survey, actor=None, rating=rating, comment=comment)
    except csat.AlreadyAnswered:
        return _page(request, {**context, "state": "answered"}, status=409)
    except ValidationError as error:
        return _page(request, {**context, "state": "ask", "errors": error.message_dict}, status=400)
    return _page(request, {**context, "survey": survey, "state": "thanks"})
