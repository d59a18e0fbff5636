from rest_framework import serializers

from stanchion.accounts.models import User
from stanchion.accounts.roles import STAFF_ROLES
from stanchion.catalog.models import Service
from stanchion.core.api import StanchionSerializer
from stanchion.tickets.api.base import ActionSerializer, VersionedActionSerializer
from stanchion.tickets.models import Category, Ticket

from ..choices import ArticleType, Audience
from ..models import Article, ArticleFeedback, ArticleVersion, TicketArticle

ARTICLE_FIELDS = [
    "id",
    "number",
    "title",
    "body",
    "body_html",
    "article_type",
    "audience",
    "state",
    "services",
    "categories",
    "owner",
    "review_interval_days",
    "last_reviewed_at",
    "next_review_date",
    "published_at",
    "retired_at",
    "current_version",
    "created_at",
    "updated_at",
    "version",
]


class ArticleSerializer(StanchionSerializer):
    body_html = serializers.SerializerMethodField(help_text="The body rendered and sanitised.")

    class Meta:
        model = Article
        fields = ARTICLE_FIELDS
        read_only_fields = ARTICLE_FIELDS

    def get_body_html(self, article) -> str:
        return str(article.rendered_body())


def _staff():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True)


class _ArticleWriteSerializer(StanchionSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)
    article_type = serializers.ChoiceField(choices=ArticleType.choices(), required=False)
    audience = serializers.ChoiceField(choices=Audience.choices(), required=False)
    services = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), many=True, required=False
    )
    categories = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, help_text="An IT user; you when left out."
    )
    review_interval_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)


# The article fields a client writes, on creation and on edits alike.
WRITABLE = [
    "title", "body", "article_type", "audience", "services", "categories", "owner",
    "review_interval_days",
]  # fmt: skip


class ArticleCreateSerializer(_ArticleWriteSerializer):
    publish = serializers.BooleanField(
        default=False, help_text="Publish at once instead of saving a draft."
    )

    class Meta:
        model = Article
        fields = [*WRITABLE, "publish", "version"]


class ArticleUpdateSerializer(_ArticleWriteSerializer):
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Kept with a new version."
    )

    class Meta:
        model = Article
        fields = [*WRITABLE, "note", "version"]


class ArticleActionSerializer(VersionedActionSerializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ArticleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleVersion
        fields = [
            "id",
            "article",
            "number",
            "title",
            "body",
            "article_type",
            "audience",
            "author",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class _VisibleArticleField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Article.objects.visible_to(getattr(request, "user", None)).published()


class _VisibleTicketField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Ticket.objects.visible_to(getattr(request, "user", None))


class ArticleFeedbackSerializer(StanchionSerializer):
    article = _VisibleArticleField(help_text="A published article you may read.")
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta:
        model = ArticleFeedback
        fields = [
            "id",
            "article",
            "version_number",
            "user",
            "helpful",
            "comment",
            "created_at",
            "version",
        ]
        read_only_fields = ["id", "version_number", "user", "created_at"]


class TicketArticleSerializer(StanchionSerializer):
    ticket = _VisibleTicketField()
    article = _VisibleArticleField()

    class Meta:
        model = TicketArticle
        fields = ["id", "ticket", "article", "linked_by", "created_at", "version"]
        read_only_fields = ["id", "linked_by", "created_at"]


class FeedbackActionSerializer(ActionSerializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
