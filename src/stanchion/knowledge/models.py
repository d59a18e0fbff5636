"""The knowledge base: articles, their versions, the feedback readers give
and the tickets an article helped resolve; and the portal sessions in which
employees read articles (for the deflection KPI)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from stanchion.core.markdown import render_markdown
from stanchion.core.models import BaseModel

from .choices import ArticleState, ArticleType, Audience
from .querysets import ArticleChildQuerySet, ArticleQuerySet

# Fields whose change makes a new version (the rest is bookkeeping).
CONTENT_FIELDS = ("title", "body", "article_type", "audience")
DEFAULT_REVIEW_DAYS = 180


class Article(BaseModel):
    """One article (KB-000123): written in Markdown, for employees or for IT
    only, linked to the services and ticket categories it is about, owned by
    someone who reviews it every ``review_interval_days``."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000)
    article_type = models.CharField(
        "type",
        max_length=ArticleType.max_length(),
        choices=ArticleType.choices(),
        default=ArticleType.HOWTO,
    )
    audience = models.CharField(
        max_length=Audience.max_length(), choices=Audience.choices(), default=Audience.EMPLOYEES
    )
    state = models.CharField(
        max_length=ArticleState.max_length(),
        choices=ArticleState.choices(),
        default=ArticleState.DRAFT,
        editable=False,
    )
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="articles")
    categories = models.ManyToManyField("tickets.Category", blank=True, related_name="articles")
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="owned_articles"
    )
    review_interval_days = models.PositiveIntegerField(
        default=DEFAULT_REVIEW_DAYS, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_date = models.DateField(null=True, blank=True, editable=False, db_index=True)
    # When it was (last) published and retired: the KPIs read these.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The number of the newest ArticleVersion.
    current_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "audience"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def rendered_body(self):
        return render_markdown(self.body)

    def review_due(self, today=None):
        today = today or timezone.localdate()
        return (
            self.state == ArticleState.PUBLISHED
            and self.next_review_date is not None
            and self.next_review_date <= today
        )

    def clean(self):
        if not (self.title or "").strip():
            raise ValidationError({"title": "Give the article a title."})
        if not (self.body or "").strip():
            raise ValidationError({"body": "Write the article's text."})


class ArticleVersion(BaseModel):
    """A snapshot of an article's content, taken on every content change."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000)
    article_type = models.CharField(max_length=ArticleType.max_length())
    audience = models.CharField(max_length=Audience.max_length())
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    objects = ArticleChildQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_article_version"),
        ]

    def __str__(self):
        return f"{self.article.number} v{self.number}"


class ArticleReview(BaseModel):
    """An owner's "reviewed, still correct" (publishing counts as one): the
    freshness KPI reads the reviews in force at a period's end."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    next_review_date = models.DateField()
    note = models.CharField(max_length=500, blank=True)

    objects = ArticleChildQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-reviewed_at"]
        indexes = [models.Index(fields=["article", "reviewed_at"])]

    def __str__(self):
        return f"{self.article.number} reviewed {self.reviewed_at:%Y-%m-%d}"


class ArticleFeedback(BaseModel):
    """ "Was this helpful?": one answer per person per version of an article
    (answering again for the same version changes the answer)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version_number = models.PositiveIntegerField()
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=2000)

    objects = ArticleChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version_number", "user"], name="unique_article_feedback"
            ),
        ]

    def __str__(self):
        return f"{self.article.number} v{self.version_number}: {'yes' if self.helpful else 'no'}"


class TicketArticle(BaseModel):
    """An agent's record that ``article`` was used to resolve ``ticket``."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="knowledge_links"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    linked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = ArticleChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "article"], name="unique_ticket_article"),
        ]

    def __str__(self):
        return f"{self.article.number} for {self.ticket.number}"


SESSION_SPAN = datetime.timedelta(hours=24)


class KnowledgeSession(models.Model):
    """A portal knowledge session: what one signed-in browser session (the
    Django session) did with articles within ``SESSION_SPAN`` of opening
    the first one. Usage telemetry, not a record anyone edits: written
    directly, not audited. ``ticket_reported_at`` is set when that browser
    session reports a ticket within the span after the first opening."""

    session_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    article_views = models.PositiveIntegerField(default=0)
    suggestion_clicks = models.PositiveIntegerField(default=0)
    ticket_reported_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["session_key", "started_at"])]

    def __str__(self):
        return f"knowledge session {self.session_key[:8]} at {self.started_at:%Y-%m-%d %H:%M}"
