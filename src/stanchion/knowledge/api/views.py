"""/api/articles/ and the records around them: versions, feedback and the
links between tickets and the articles that resolved them.

Rows are permission-restricted like the pages: employees (requesters) read
only published articles written for them and may give feedback on them;
IT reads everything. Writes go through knowledge.services; an update needs
the version read (body or If-Match) and a stale one changes nothing."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet
from stanchion.tickets.api.base import run_versioned, with_etag

from .. import search, services
from ..choices import ArticleState, ArticleType, Audience
from ..models import Article, ArticleFeedback, ArticleVersion, TicketArticle
from . import serializers as s


def _django_errors(error):
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class ArticleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=200, help_text="Full-text search over title and body."
    )
    state = django_filters.ChoiceFilter(choices=ArticleState.choices())
    audience = django_filters.ChoiceFilter(choices=Audience.choices())
    article_type = django_filters.ChoiceFilter(choices=ArticleType.choices())
    service = django_filters.NumberFilter(field_name="services", min_value=1, max_value=2**63 - 1)
    category = django_filters.NumberFilter(
        field_name="categories", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = Article
        fields = ["q", "state", "audience", "article_type", "service", "category"]

    def filter_q(self, queryset, name, value):
        # Search narrows; the list keeps its cursor order.
        return queryset.filter(pk__in=search.search(Article.objects.all(), value).values("pk"))


class ArticleViewSet(StanchionViewSet):
    """Knowledge articles."""

    queryset = Article.objects.all()
    serializer_class = s.ArticleSerializer
    filterset_class = ArticleFilterSet
    ordering_fields = ["id", "number", "updated_at", "next_review_date"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permissions = {
        "list": "article.view",
        "retrieve": "article.view",
        "create": "article.add",
        "partial_update": "article.change",
        "destroy": "article.delete",
        "publish": "article.change",
        "retire": "article.change",
        "review": "article.review",
        "feedback": "articlefeedback.add",
    }

    def get_queryset(self):
        return super().get_queryset().prefetch_related("services", "categories")

    def get_serializer_class(self):
        if self.action == "create":
            return s.ArticleCreateSerializer
        if self.action == "partial_update":
            return s.ArticleUpdateSerializer
        return s.ArticleSerializer

    def show(self, article, status_code=status.HTTP_200_OK):
        article = Article.objects.prefetch_related("services", "categories").get(pk=article.pk)
        data = s.ArticleSerializer(article, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), article)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("version", None)
        try:
            article = services.create_article(actor=request.user, **data)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return self.show(article, status.HTTP_201_CREATED)

    def perform_versioned_update(self, instance, data, expected_version):
        try:
            return services.update_article(
                instance, actor=self.request.user, expected_version=expected_version, **data
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            return self.show(self.get_object())
        return response

    def _act(self, request, work):
        article = self.get_object()
        body = s.ArticleActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)

        def represent(record):
            return s.ArticleSerializer(record, context=self.get_serializer_context()).data

        try:
            done, refused = run_versioned(request, article, data, work, represent=represent)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return refused or self.show(done)

    @extend_schema(request=s.ArticleActionSerializer, responses=s.ArticleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft or retired article (publishing counts as a review)."""
        return self._act(request, lambda a, d: services.publish_article(a, actor=request.user))

    @extend_schema(request=s.ArticleActionSerializer, responses=s.ArticleSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire an article: employees no longer see it."""
        return self._act(request, lambda a, d: services.retire_article(a, actor=request.user))

    @extend_schema(request=s.ArticleActionSerializer, responses=s.ArticleSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """ "Reviewed, still correct": the next review is one interval from today."""
        return self._act(
            request,
            lambda a, d: services.review_article(a, actor=request.user, note=d.get("note", "")),
        )

    @extend_schema(request=s.FeedbackActionSerializer, responses={201: s.ArticleFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """Was this article helpful? One answer per person per version."""
        article = self.get_object()
        body = s.FeedbackActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            feedback = services.give_feedback(article, actor=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        data = s.ArticleFeedbackSerializer(feedback, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class ArticleVersionFilterSet(django_filters.FilterSet):
    article = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1)

    class Meta:
        model = ArticleVersion
        fields = ["article"]


class ArticleVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of every article (IT only)."""

    queryset = ArticleVersion.objects.all()
    serializer_class = s.ArticleVersionSerializer
    filterset_class = ArticleVersionFilterSet
    permissions = {"list": "articleversion.view", "retrieve": "articleversion.view"}

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ArticleFeedbackFilterSet(django_filters.FilterSet):
    article = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1)
    helpful = django_filters.BooleanFilter()

    class Meta:
        model = ArticleFeedback
        fields = ["article", "helpful"]


class ArticleFeedbackViewSet(StanchionViewSet):
    """Readers' answers to "was this helpful?" (IT reads them; everyone may
    answer, on the articles they may read)."""

    queryset = ArticleFeedback.objects.all()
    serializer_class = s.ArticleFeedbackSerializer
    filterset_class = ArticleFeedbackFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permissions = {
        "list": "articlefeedback.view",
        "retrieve": "articlefeedback.view",
        "create": "articlefeedback.add",
    }

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("version", None)
        article = data.pop("article")
        try:
            feedback = services.give_feedback(article, actor=request.user, **data)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(feedback).data, status=status.HTTP_201_CREATED)


class TicketArticleFilterSet(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1)
    article = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1)

    class Meta:
        model = TicketArticle
        fields = ["ticket", "article"]


class TicketArticleViewSet(StanchionViewSet):
    """Which article was used to resolve which ticket."""

    queryset = TicketArticle.objects.all()
    serializer_class = s.TicketArticleSerializer
    filterset_class = TicketArticleFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]
    permissions = {
        "list": "ticketarticle.view",
        "retrieve": "ticketarticle.view",
        "create": "ticketarticle.add",
        "destroy": "ticketarticle.delete",
    }

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            link = services.link_ticket(data["ticket"], data["article"], actor=request.user)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    def perform_versioned_delete(self, instance, expected_version):
        services.unlink_ticket(instance, actor=self.request.user)
