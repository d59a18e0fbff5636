"""/api/incidents/ and /api/requests/: one ticket table, two endpoints.

Reading, opening and editing go through the usual viewset routes; every
state change is an action (``POST /api/incidents/{id}/resolve/``) that calls
one service function. Actions take an optional version (body or If-Match):
sent and stale, nothing changes and the answer holds the ticket as it is.
"""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.api.pagination import CursorPagination
from stanchion.core.api import StanchionViewSet
from stanchion.core.idempotency import IdempotentCreateMixin

from .. import services
from ..choices import TicketKind
from ..models import SlaClock, Ticket, TimelineEvent
from ..services import clocks
from . import serializers
from .base import run_versioned, with_etag
from .filtersets import TicketFilterSet, TicketOrdering, with_sort_keys
from .serializers import TicketSerializer

# Who may do what. Employees open tickets, reply on their own and may
# reopen their own resolved ticket ("it is still broken"); every other
# state change is IT's work. Auditors read.
TICKET_PERMISSIONS = {
    "list": "ticket.view",
    "retrieve": "ticket.view",
    "create": "ticket.add",
    "partial_update": "ticket.change",
    "assign": "ticket.change",
    "start": "ticket.change",
    "pend": "ticket.change",
    "resolve": "ticket.change",
    "reopen": "ticket.comment",
    "close": "ticket.change",
    "cancel": "ticket.change",
    "comment": "ticket.comment",
    "link": "ticket.change",
    "timeline": "ticket.view",
    "sla": "slaclock.view",
}


class TimelinePagination(CursorPagination):
    ordering = ("at", "id")


class ClockSerializer(drf.ModelSerializer):
    status = drf.SerializerMethodField(
        help_text="Where the clock stands at `at`: due, elapsed/remaining seconds, percent."
    )
    explanation = drf.SerializerMethodField(help_text="Why it is due then.")

    class Meta:
        model = SlaClock
        fields = [
            "id",
            "kind",
            "team",
            "policy_name",
            "target_seconds",
            "calendar",
            "state",
            "started_at",
            "stopped_at",
            "pauses",
            "due_at",
            "warn_at",
            "warned_at",
            "breached_at",
            "status",
            "explanation",
        ]

    def get_status(self, clock) -> dict:
        return clocks.clock_status(clock, self.context["at"]).as_dict()

    def get_explanation(self, clock) -> dict:
        return clocks.explain_clock(clock).as_dict()


class SlaQuerySerializer(drf.Serializer):
    at = drf.DateTimeField(required=False, help_text="The instant to report on (default: now).")


SlaResponse = inline_serializer(
    "TicketSla",
    {
        "ticket": drf.IntegerField(),
        "at": drf.DateTimeField(),
        "sla_targets": drf.JSONField(allow_null=True),
        "clocks": ClockSerializer(many=True),
    },
)


class TicketViewSet(StanchionViewSet):
    kind = None
    create_serializer_class = None
    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer
    permissions = TICKET_PERMISSIONS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [DjangoFilterBackend, TicketOrdering]
    filterset_class = TicketFilterSet
    ordering_fields = [
        "id",
        "number",
        "created_at",
        "updated_at",
        "sla_due_at",
        "resolved_at",
        "priority",
        "state",
    ]

    def get_queryset(self):
        return with_sort_keys(super().get_queryset().filter(kind=self.kind))

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        if self.action == "partial_update":
            return serializers.TicketUpdateSerializer
        return TicketSerializer

    def show(self, ticket, status_code=status.HTTP_200_OK):
        data = TicketSerializer(ticket, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), ticket)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self.open_ticket(dict(body.validated_data))
        return self.show(ticket, status.HTTP_201_CREATED)

    def open_ticket(self, data):
        raise NotImplementedError

    @extend_schema(responses=TicketSerializer)
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        body = self.get_serializer(ticket, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "version" not in data and not request.headers.get("If-Match"):
            raise ValidationError(
                {"version": ["Send the version you read (this field or an If-Match header)."]}
            )

        def update(record, changes):
            return services.update_ticket(record, changes, actor=request.user)

        return self._versioned(request, ticket, data, update)

    def _versioned(self, request, ticket, data, work):
        result, conflict = run_versioned(
            request,
            ticket,
            data,
            work,
            represent=lambda current: TicketSerializer(current).data,
        )
        if conflict is not None:
            return conflict
        return self.show(Ticket.objects.get(pk=ticket.pk))

    def _act(self, request, body_class, work):
        ticket = self.get_object()
        body = body_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._versioned(request, ticket, dict(body.validated_data), work)

    @extend_schema(request=serializers.AssignSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the ticket to a team (and optionally one of its members)."""
        return self._act(
            request,
            serializers.AssignSerializer,
            lambda t, d: services.assign(
                t, actor=request.user, team=d["team"], assignee=d.get("assignee")
            ),
        )

    @extend_schema(request=serializers.StartSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Work on it now (in progress)."""
        return self._act(
            request,
            serializers.StartSerializer,
            lambda t, d: services.change_state(
                t, "in_progress", actor=request.user, body=d.get("comment", "")
            ),
        )

    @extend_schema(request=serializers.PendSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def pend(self, request, pk=None):
        """Wait for something (the reason may pause the SLA clocks)."""
        return self._act(
            request,
            serializers.PendSerializer,
            lambda t, d: services.change_state(
                t,
                "pending",
                actor=request.user,
                pending_reason=d["reason"],
                body=d.get("comment", ""),
            ),
        )

    @extend_schema(request=serializers.ResolveSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(
            request,
            serializers.ResolveSerializer,
            lambda t, d: services.resolve(
                t, actor=request.user, code=d["resolution_code"], notes=d["resolution_notes"]
            ),
        )

    @extend_schema(request=serializers.ReasonSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Back to work, within the reopen window after resolution."""
        return self._act(
            request,
            serializers.ReasonSerializer,
            lambda t, d: services.reopen(t, actor=request.user, reason=d["reason"]),
        )

    @extend_schema(request=serializers.VersionedActionSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(
            request,
            serializers.VersionedActionSerializer,
            lambda t, d: services.close(t, actor=request.user),
        )

    @extend_schema(request=serializers.ReasonSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(
            request,
            serializers.ReasonSerializer,
            lambda t, d: services.cancel(t, actor=request.user, reason=d["reason"]),
        )

    @extend_schema(
        request=serializers.CommentSerializer,
        responses={201: serializers.TimelineEventSerializer},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A reply to the requester, or (``public: false``) an internal note.
        Comments never conflict, so they take no version."""
        ticket = self.get_object()
        body = serializers.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.add_comment(
            ticket,
            actor=request.user,
            body=body.validated_data["body"],
            public=body.validated_data["public"],
        )
        data = serializers.TimelineEventSerializer(event).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.LinkSerializer, responses={201: serializers.TicketLinkSerializer}
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Mark another ticket as related to, or a duplicate of, this one."""
        ticket = self.get_object()
        body = serializers.LinkSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        link = services.link_tickets(
            ticket,
            body.validated_data["other"],
            actor=request.user,
            kind=body.validated_data["kind"],
        )
        return Response(serializers.TicketLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=TimelinePagination, filter_backends=[])
    def timeline(self, request, pk=None):
        """The ticket's history, oldest first. Employees see the public part."""
        ticket = self.get_object()
        events = TimelineEvent.objects.visible_to(request.user).filter(ticket=ticket)
        page = self.paginate_queryset(events)
        rows = serializers.TimelineEventSerializer(page, many=True).data
        return self.get_paginated_response(rows)

    @extend_schema(parameters=[SlaQuerySerializer], responses=SlaResponse)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def sla(self, request, pk=None):
        """Every SLA and OLA clock of the ticket: where it stands and why it
        is due when it is."""
        ticket = self.get_object()
        query = SlaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        at = query.validated_data.get("at") or timezone.now()
        rows = SlaClock.objects.visible_to(request.user).filter(ticket=ticket)
        rows = rows.select_related("calendar").order_by("started_at", "id")
        context = {**self.get_serializer_context(), "at": at}
        return Response(
            {
                "ticket": ticket.pk,
                "at": at.isoformat(),
                "sla_targets": ticket.sla_targets,
                "clocks": ClockSerializer(rows, many=True, context=context).data,
            }
        )


@extend_schema_view(
    create=extend_schema(
        request=serializers.IncidentCreateSerializer, responses={201: TicketSerializer}
    )
)
class IncidentViewSet(IdempotentCreateMixin, TicketViewSet):
    """Incidents: something is broken."""

    kind = TicketKind.INCIDENT
    create_serializer_class = serializers.IncidentCreateSerializer

    def open_ticket(self, data):
        return services.open_incident(actor=self.request.user, **data)


@extend_schema_view(
    create=extend_schema(
        request=serializers.RequestCreateSerializer, responses={201: TicketSerializer}
    )
)
class RequestViewSet(IdempotentCreateMixin, TicketViewSet):
    """Service requests: something asked for from the catalog."""

    kind = TicketKind.REQUEST
    create_serializer_class = serializers.RequestCreateSerializer

    def open_ticket(self, data):
        return services.open_request(
            actor=self.request.user,
            requester=data.pop("requester"),
            item=data.pop("catalog_item"),
            answers=data.pop("answers", {}),
            **data,
        )
