"""The only code that writes knowledge records. Every function takes a
keyword-only ``actor``, runs in one transaction, locks the article it
changes and refuses a stale ``expected_version`` (ConflictError), so two
people editing one article never silently overwrite each other."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from stanchion.accounts.roles import is_staff_role
from stanchion.core.services import lock, next_number, save_validated, service

from .choices import TRANSITIONS, ArticleState, ArticleType, Audience
from .models import (
    CONTENT_FIELDS,
    SESSION_SPAN,
    Article,
    ArticleFeedback,
    ArticleReview,
    ArticleVersion,
    KnowledgeSession,
    TicketArticle,
)

EDITABLE_FIELDS = (*CONTENT_FIELDS, "owner", "review_interval_days")


def _check_choices(fields):
    errors = {}
    if "article_type" in fields and fields["article_type"] not in ArticleType:
        errors["article_type"] = f"Unknown type {fields['article_type']!r}."
    if "audience" in fields and fields["audience"] not in Audience:
        errors["audience"] = f"Unknown audience {fields['audience']!r}."
    if errors:
        raise ValidationError(errors)


def _snapshot(article, *, actor, note="", now=None):
    article.current_version += 1
    ArticleVersion.objects.create(
        created_at=now or timezone.now(),
        article=article,
        number=article.current_version,
        title=article.title,
        body=article.body,
        article_type=article.article_type,
        audience=article.audience,
        author=actor,
        note=note[:500],
    )


def _record_review(article, *, actor, now, note=""):
    next_date = timezone.localdate(now) + datetime.timedelta(days=article.review_interval_days)
    article.last_reviewed_at = now
    article.next_review_date = next_date
    ArticleReview.objects.create(
        article=article,
        reviewed_at=now,
        reviewed_by=actor,
        next_review_date=next_date,
        note=note[:500],
    )


def _reschedule_review(locked):
    """The review interval changed: the next review is due one (new)
    interval after the last review, on the article and on the review in
    force (the one the freshness KPI reads)."""
    try:
        days = int(locked.review_interval_days)
    except (TypeError, ValueError):
        raise ValidationError(
            {"review_interval_days": "Give the review interval as a whole number of days."}
        ) from None
    if not 1 <= days <= 3650:
        # save_validated refuses it by the field's own validators.
        return
    next_date = timezone.localdate(locked.last_reviewed_at) + datetime.timedelta(days=days)
    locked.next_review_date = next_date
    ArticleReview.objects.filter(article=locked, reviewed_at=locked.last_reviewed_at).update(
        next_review_date=next_date
    )


@service
def create_article(
    *, actor, title, body, owner=None, services=(), categories=(), publish=False, now=None, **fields
):
    """A new article (a draft unless ``publish``), with its first version."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    _check_choices(fields)
    now = now or timezone.now()
    article = Article(title=title, body=body, owner=owner or actor, created_at=now, **fields)
    article.number = next_number("KB")
    article.current_version = 1
    save_validated(article)
    article.services.set(services)
    article.categories.set(categories)
    ArticleVersion.objects.create(
        created_at=now,
        article=article,
        number=1,
        title=article.title,
        body=article.body,
        article_type=article.article_type,
        audience=article.audience,
        author=actor,
        note="Created",
    )
    if publish:
        return _move(article, ArticleState.PUBLISHED, actor=actor, now=now)
    return article


@service
def update_article(
    article,
    *,
    actor,
    expected_version,
    services=None,
    categories=None,
    note="",
    now=None,
    **changes,
):
    """Change an article's fields; a change to its content (title, body,
    type, audience) is kept as a new version."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    _check_choices(changes)
    locked = lock(article, expected_version)
    content_changed = any(
        name in CONTENT_FIELDS and getattr(locked, name) != value for name, value in changes.items()
    )
    fields_changed = any(
        getattr(locked, "owner_id" if name == "owner" else name)
        != (getattr(value, "pk", value) if name == "owner" else value)
        for name, value in changes.items()
    )
    relations_changed = False
    if services is not None:
        relations_changed |= {s.pk for s in locked.services.all()} != {
            getattr(s, "pk", s) for s in services
        }
    if categories is not None:
        relations_changed |= {c.pk for c in locked.categories.all()} != {
            getattr(c, "pk", c) for c in categories
        }
    if not (fields_changed or relations_changed):
        return locked
    interval_changed = (
        "review_interval_days" in changes
        and locked.review_interval_days != changes["review_interval_days"]
    )
    for name, value in changes.items():
        setattr(locked, name, value)
    if interval_changed and locked.last_reviewed_at is not None:
        _reschedule_review(locked)
    if content_changed:
        _snapshot(locked, actor=actor, note=note, now=now)
    save_validated(locked)
    if services is not None:
        locked.services.set(services)
    if categories is not None:
        locked.categories.set(categories)
    return locked


def _move(locked, target, *, actor, now):
    if target not in TRANSITIONS.get(locked.state, ()):
        raise ValidationError(
            {
                "state": f"A {ArticleState.label(locked.state).lower()} article cannot become "
                f"{ArticleState.label(target).lower()}."
            }
        )
    locked.state = target
    if target == ArticleState.PUBLISHED:
        locked.published_at = now
        locked.retired_at = None
        # Publishing vouches for the content as of now: it counts as a review.
        _record_review(locked, actor=actor, now=now, note="Published")
    else:
        locked.retired_at = now
    return save_validated(locked)


@service
def publish_article(article, *, actor, expected_version=None, now=None):
    return _move(
        lock(article, expected_version),
        ArticleState.PUBLISHED,
        actor=actor,
        now=now or timezone.now(),
    )


@service
def retire_article(article, *, actor, expected_version=None, now=None):
    return _move(
        lock(article, expected_version),
        ArticleState.RETIRED,
        actor=actor,
        now=now or timezone.now(),
    )


@service
def review_article(article, *, actor, expected_version=None, note="", now=None):
    """ "Reviewed, still correct": the next review is due one review interval
    from today."""
    locked = lock(article, expected_version)
    if locked.state != ArticleState.PUBLISHED:
        raise ValidationError({"state": "Only a published article is reviewed; publish it first."})
    _record_review(locked, actor=actor, now=now or timezone.now(), note=note)
    return save_validated(locked)


@service
def give_feedback(article, *, actor, helpful, comment="", now=None):
    """Was this helpful? One answer per person per version: answering again
    for the same version replaces the answer."""
    if not isinstance(helpful, bool):
        raise ValidationError({"helpful": "Answer yes or no."})
    if len(comment or "") > 2000:
        raise ValidationError({"comment": "Keep the comment under 2,000 characters."})
    # Lock the article: two answers from one person at once (a double
    # click) then find each other's row instead of both inserting one.
    article = lock(article)
    if article.state != ArticleState.PUBLISHED:
        raise ValidationError({"article": "Feedback is given on published articles only."})
    existing = ArticleFeedback.objects.filter(
        article=article, version_number=article.current_version, user=actor
    ).first()
    if existing is None:
        feedback = ArticleFeedback(
            article=article,
            version_number=article.current_version,
            user=actor,
            created_at=now or timezone.now(),
        )
    else:
        feedback = existing
    feedback.helpful = helpful
    feedback.comment = (comment or "").strip()
    return save_validated(feedback)


@service
def link_ticket(ticket, article, *, actor, now=None):
    """Record that ``article`` was used to resolve ``ticket`` (linking twice
    is one link)."""
    if article.state != ArticleState.PUBLISHED:
        raise ValidationError(
            {
                "article": f"Link a published article; {article.number} is "
                f"{ArticleState.label(article.state).lower()}."
            }
        )
    # Lock the ticket: two agents linking the same article at once then
    # find each other's link instead of both inserting one.
    lock(ticket)
    existing = TicketArticle.objects.filter(ticket=ticket, article=article).first()
    if existing is not None:
        return existing
    return save_validated(
        TicketArticle(
            ticket=ticket, article=article, linked_by=actor, created_at=now or timezone.now()
        )
    )


@service
def unlink_ticket(link, *, actor):
    locked = TicketArticle.objects.select_for_update().filter(pk=link.pk).first()
    if locked is not None:
        locked.delete()


# --- portal knowledge sessions (deflection) ---------------------------------


def _session_key(request):
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if not session.session_key:
        session.save()
    return session.session_key or ""


def record_portal_use(request, *, suggestion=False, now=None):
    """An employee opened an article in the portal (``suggestion``: from a
    suggestion as they reported a problem). Joins the knowledge session of
    their browser session begun within ``SESSION_SPAN``, or begins one.
    IT staff reading the portal are not employees looking for help: their
    reading is not a knowledge session. The counters are incremented in the
    database, so two tabs opening articles at once both count."""
    if is_staff_role(getattr(request, "user", None)):
        return None
    key = _session_key(request)
    if not key:
        return None
    now = now or timezone.now()
    current = (
        KnowledgeSession.objects.filter(session_key=key, started_at__gt=now - SESSION_SPAN)
        .order_by("-started_at")
        .first()
    )
    counter = "suggestion_clicks" if suggestion else "article_views"
    if current is None:
        user = request.user if request.user.is_authenticated else None
        return KnowledgeSession.objects.create(
            session_key=key, user=user, started_at=now, **{counter: 1}
        )
    KnowledgeSession.objects.filter(pk=current.pk).update(**{counter: F(counter) + 1})
    current.refresh_from_db(fields=[counter])
    return current


def mark_ticket_reported(session_key, ticket, *, now=None):
    """The browser session ``session_key`` reported ``ticket``: its open
    knowledge sessions were not deflections."""
    if not session_key:
        return 0
    now = now or timezone.now()
    return KnowledgeSession.objects.filter(
        session_key=session_key,
        started_at__gt=now - SESSION_SPAN,
        started_at__lte=now,
        ticket_reported_at__isnull=True,
    ).update(ticket_reported_at=now, ticket=ticket)
