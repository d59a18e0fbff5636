"""Customer satisfaction: the one-click rating links sent on resolution and
the service that records an answer.

A link carries the survey id and a rating, signed with the secret key
(``TimestampSigner``, salt "stanchion.csat") so it works without signing in
but cannot be forged or pointed at another ticket, and expires after
``CSAT_LINK_DAYS``. A survey is answered once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from stanchion.core.services import lock, save_validated, service

from .choices import EventKind
from .models import CsatSurvey
from .services.timeline import record

SALT = "stanchion.csat"
RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neutral",
    4: "Satisfied",
    5: "Very satisfied",
}


class AlreadyAnswered(ValidationError):
    def __init__(self, survey):
        self.survey = survey
        super().__init__({"rating": "This survey was already answered. Thank you!"})


class InvalidLink(Exception):
    """A tampered, truncated, expired or out-of-range rating link."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RatingLink:
    rating: int
    label: str
    url: str  # a path; email adds BASE_URL


def _signer():
    return signing.TimestampSigner(salt=SALT)


def sign(survey_id, rating):
    return _signer().sign_object({"s": int(survey_id), "r": int(rating)})


def rating_links(survey):
    """The five links for the resolution email (1 = very dissatisfied)."""
    return [
        RatingLink(
            rating,
            RATING_LABELS[rating],
            reverse("notifications:csat-answer", args=[sign(survey.pk, rating)]),
        )
        for rating in RATINGS
    ]


def read_link(token, *, max_age=None):
    """(survey_id, rating) from a link, or InvalidLink saying what is wrong."""
    age = max_age if max_age is not None else settings.CSAT_LINK_DAYS * 86400
    try:
        payload = _signer().unsign_object(token, max_age=age)
    except signing.SignatureExpired as error:
        raise InvalidLink(
            "This rating link has expired. Reply to the ticket instead, or sign in to rate it."
        ) from error
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as error:
        raise InvalidLink("This rating link is not valid. It may have been cut short.") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidLink("This rating link is not valid.")
    rating = payload.get("r")
    if rating not in RATINGS:
        raise InvalidLink("This rating link does not carry a rating from 1 to 5.")
    return payload["s"], rating


def open_survey(ticket):
    """The unanswered survey of a resolved ticket, if any: what the
    portal's "rate" widget answers for a signed-in requester."""
    return (
        CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True)
        .order_by("-sent_at", "-id")
        .first()
    )


@service
def answer_survey(survey, *, actor, rating, comment="", now=None):
    """Record the requester's rating (1-5) and optional comment, once, and
    put it on the ticket's public timeline. ``actor`` is None when the
    answer came through an emailed link without signing in."""
    locked = lock(survey)
    if locked.answered_at is not None:
        raise AlreadyAnswered(locked)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = None
    if rating not in RATINGS:
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    comment = (comment or "").strip()
    # A TextField's max_length is not checked by full_clean; check it here.
    limit = CsatSurvey._meta.get_field("comment").max_length
    if len(comment) > limit:
        raise ValidationError(
            {"comment": f"Keep the comment to at most {limit} characters (it has {len(comment)})."}
        )
    locked.rating, locked.comment = rating, comment
    locked.answered_at = now or timezone.now()
    save_validated(locked)
    record(
        locked.ticket,
        EventKind.CSAT,
        actor=actor,
        body=comment,
        public=True,
        at=locked.answered_at,
        rating=rating,
        label=RATING_LABELS[rating],
    )
    return locked
