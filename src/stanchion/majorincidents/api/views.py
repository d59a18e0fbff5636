"""/api/major-incidents/, /api/major-incident-updates/,
/api/service-subscriptions/, /api/post-incident-reviews/ and
/api/review-actions/.

Declaring is ``POST /api/major-incidents/`` with the incident's ``ticket``
number (or, directly, ``title``, ``impact``, ``urgency`` and
``requester``); ``.../{id}/mitigate/``, ``.../resolve/``, ``.../link/`` and
``.../unlink/`` run it; ``.../suggestions/`` lists incidents that may be
its children. Refusals are 400 naming the field; a state move the workflow
does not allow is 400 naming both states.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from stanchion.catalog.models import Service
from stanchion.core.api import StanchionViewSet
from stanchion.tickets.api.base import run_versioned, with_etag
from stanchion.tickets.models import Ticket

from .. import services
from ..models import (
    ChildIncident,
    MajorIncident,
    MajorIncidentUpdate,
    PostIncidentReview,
    ReviewAction,
    ServiceSubscription,
)
from . import serializers
from .filtersets import (
    MajorIncidentFilterSet,
    MajorIncidentUpdateFilterSet,
    ReviewActionFilterSet,
)

NO_PUT = ["get", "post", "patch", "head", "options"]


def _with_relations(queryset):
    return queryset.select_related("ticket").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id")),
        "resolver_people",
        "resolver_teams",
        Prefetch("children", queryset=ChildIncident.objects.select_related("ticket")),
    )


class MajorIncidentViewSet(StanchionViewSet):
    """Major incidents. ``?state=``, ``?priority=``, ``?service=`` filter."""

    queryset = MajorIncident.objects.all()
    serializer_class = serializers.MajorIncidentSerializer
    permissions = {
        "list": "majorincident.view",
        "retrieve": "majorincident.view",
        "create": "majorincident.add",
        "partial_update": "majorincident.change",
        "mitigate": "majorincident.change",
        "resolve": "majorincident.change",
        "link": "majorincident.change",
        "unlink": "majorincident.change",
        "suggestions": "majorincident.view",
    }
    http_method_names = NO_PUT
    filterset_class = MajorIncidentFilterSet
    ordering_fields = ["id", "number", "declared_at", "next_update_due", "state", "priority"]

    def get_queryset(self):
        return _with_relations(super().get_queryset())

    def _show(self, mi, status_code=status.HTTP_200_OK):
        mi = _with_relations(MajorIncident.objects.all()).get(pk=mi.pk)
        data = self.get_serializer(mi).data
        return with_etag(Response(data, status=status_code), mi)

    @extend_schema(
        request=serializers.DeclareSerializer, responses={201: serializers.MajorIncidentSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = serializers.DeclareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        ticket = data.pop("ticket", None)
        if ticket is not None:
            if not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
                raise DjangoValidationError({"ticket": f"There is no ticket {ticket.number}."})
            for name in ("impact", "urgency", "requester", "service"):
                if name in data:
                    raise DjangoValidationError(
                        {name: "Only for declaring without a ticket; the ticket has its own."}
                    )
            mi = services.declare(ticket, actor=request.user, **data)
        else:
            mi = services.declare_directly(actor=request.user, **data)
        return self._show(mi, status.HTTP_201_CREATED)

    def perform_versioned_update(self, instance, data, expected_version):
        return services.edit(
            instance, data, actor=self.request.user, expected_version=expected_version
        )

    def partial_update(self, request, *args, **kwargs):
        response = super().partial_update(request, *args, **kwargs)
        if response.status_code == 200:
            return self._show(MajorIncident.objects.get(pk=response.data["id"]))
        return response

    @extend_schema(
        request=serializers.WhenSerializer, responses=serializers.MajorIncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def mitigate(self, request, pk=None):
        """The impact stopped at ``at`` (default now); the ticket's impact ends there."""
        mi = self.get_object()
        body = serializers.WhenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done, conflict = run_versioned(
            request,
            mi,
            dict(body.validated_data),
            lambda m, d: services.mitigate(m, actor=request.user, at=d.get("at")),
            represent=lambda m: self._show(m).data,
        )
        return conflict or self._show(done)

    @extend_schema(
        request=serializers.ResolveSerializer, responses=serializers.MajorIncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve it with the ticket and every open child incident, and open
        the post-incident review."""
        mi = self.get_object()
        body = serializers.ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done, conflict = run_versioned(
            request,
            mi,
            dict(body.validated_data),
            lambda m, d: services.resolve(
                m, actor=request.user, notes=d["notes"], code=d["code"], at=d.get("at")
            ),
            represent=lambda m: self._show(m).data,
        )
        return conflict or self._show(done)

    def _child_ticket(self, request, number):
        number = number.strip().upper()
        ticket = Ticket.objects.visible_to(request.user).filter(number=number).first()
        if ticket is None:
            raise DjangoValidationError({"ticket": f"There is no ticket {number}."})
        return ticket

    @extend_schema(
        request=serializers.ChildSerializer, responses=serializers.MajorIncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link an employee's incident as a child."""
        mi = self.get_object()
        body = serializers.ChildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self._child_ticket(request, body.validated_data["ticket"])
        services.link_child(mi, ticket, actor=request.user)
        return self._show(mi)

    @extend_schema(
        request=serializers.ChildSerializer, responses=serializers.MajorIncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def unlink(self, request, pk=None):
        mi = self.get_object()
        body = serializers.ChildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self._child_ticket(request, body.validated_data["ticket"])
        services.unlink_child(mi, ticket, actor=request.user)
        return self._show(mi)

    @extend_schema(responses=serializers.SuggestionsSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request, pk=None):
        """Open incidents on the affected services opened within two hours of
        the impact start, not linked anywhere yet."""
        mi = self.get_object()
        rows = services.suggestions(mi) if mi.is_open else []
        rows = serializers.ChildIncidentRowSerializer(rows, many=True).data
        return Response({"results": rows})


class MajorIncidentUpdateViewSet(StanchionViewSet):
    """Stakeholder updates; posting one sends it and sets the next due time."""

    queryset = MajorIncidentUpdate.objects.all()
    serializer_class = serializers.MajorIncidentUpdateSerializer
    permissions = {
        "list": "majorincidentupdate.view",
        "retrieve": "majorincidentupdate.view",
        "create": "majorincidentupdate.add",
    }
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = MajorIncidentUpdateFilterSet
    ordering_fields = ["id", "created_at"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        mi = data["major_incident"]
        if not MajorIncident.objects.visible_to(self.request.user).filter(pk=mi.pk).exists():
            raise DjangoValidationError({"major_incident": "No such major incident."})
        serializer.instance = services.post_update(mi, actor=self.request.user, body=data["body"])


class ServiceSubscriptionViewSet(StanchionViewSet):
    """The services you follow (yours only): major incident updates on
    them reach you in-app and by email."""

    queryset = ServiceSubscription.objects.select_related("service")
    serializer_class = serializers.ServiceSubscriptionSerializer
    permissions = {
        "list": "servicesubscription.view",
        "retrieve": "servicesubscription.view",
        "create": "servicesubscription.add",
        "destroy": "servicesubscription.delete",
    }
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering_fields = ["id", "created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.subscribe(
            serializer.validated_data["service"], actor=self.request.user
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.unsubscribe(instance.service, actor=self.request.user)


class PostIncidentReviewViewSet(StanchionViewSet):
    """Reviews open when their major incident is resolved; edit the text."""

    queryset = PostIncidentReview.objects.select_related("major_incident")
    serializer_class = serializers.PostIncidentReviewSerializer
    permissions = {
        "list": "postincidentreview.view",
        "retrieve": "postincidentreview.view",
        "partial_update": "postincidentreview.change",
    }
    http_method_names = ["get", "patch", "head", "options"]
    ordering_fields = ["id", "created_at"]

    def perform_versioned_update(self, instance, data, expected_version):
        return services.update_review(
            instance, data, actor=self.request.user, expected_version=expected_version
        )


class ReviewActionViewSet(StanchionViewSet):
    """Review actions: ``state`` ``done`` closes one (its done time is
    recorded), ``open`` reopens it."""

    queryset = ReviewAction.objects.select_related("change", "problem")
    serializer_class = serializers.ReviewActionSerializer
    permissions = {
        "list": "reviewaction.view",
        "retrieve": "reviewaction.view",
        "create": "reviewaction.add",
        "partial_update": "reviewaction.change",
    }
    http_method_names = NO_PUT
    filterset_class = ReviewActionFilterSet
    ordering_fields = ["id", "due_date", "created_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        if data.pop("state", "open") != "open":
            raise DjangoValidationError({"state": "A new action is open."})
        serializer.instance = services.add_action(
            data.pop("review"), actor=self.request.user, **data
        )

    def perform_versioned_update(self, instance, data, expected_version):
        if "review" in data and data["review"].pk != instance.review_id:
            raise DjangoValidationError({"review": "An action stays with its review."})
        data.pop("review", None)
        return services.update_action(
            instance, data, actor=self.request.user, expected_version=expected_version
        )
