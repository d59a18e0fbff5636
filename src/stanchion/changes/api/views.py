"""/api/changes/: raising, planning and taking a change through its life.

Reading, raising and re-planning go through the usual viewset routes; every
lifecycle step is an action (``POST /api/changes/{id}/submit/``) calling one
service function of changes.services. Actions take an optional version (in
the body, or If-Match): sent and stale, nothing changes and the answer holds
the change as it is now (409, or 412 for If-Match). A step the workflow
does not allow is 409 ``invalid_transition`` naming both states; a refused
one says why (403, or 400 naming what is missing).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.api.pagination import CursorPagination
from stanchion.core.api import StanchionViewSet
from stanchion.core.errors import TransitionError
from stanchion.core.idempotency import IdempotentCreateMixin
from stanchion.tickets.api.base import VersionedActionSerializer, run_versioned, with_etag
from stanchion.tickets.models import Ticket

from .. import conflicts as schedule_conflicts
from .. import risk, services
from ..models import Change, ChangeEvent
from ..services import approvals as approval_services
from ..services import links
from . import serializers
from .filtersets import ChangeFilterSet, ChangeOrdering, with_sort_keys
from .serializers import ChangeSerializer

CHANGE_PERMISSIONS = {
    "list": "change.view",
    "retrieve": "change.view",
    "create": "change.add",
    "partial_update": "change.change",
    "submit": "change.change",
    "request_approval": "change.change",
    "schedule": "change.change",
    "start": "change.change",
    "finish": "change.change",
    "validation": "change.change",
    "close": "change.change",
    "cancel": "change.change",
    "comment": "change.comment",
    "override_conflicts": "change.override_conflicts",
    "link_incident": "changeincident.add",
    "unlink_incident": "changeincident.delete",
    "timeline": "changeevent.view",
    "risk": "change.view",
    "risk_questions": "change.view",
    "conflict_check": "change.view",
}


def _step(name, body_class, work, doc, **routing):
    """A lifecycle action: validate ``body_class``, then run
    ``work(change, data, actor)`` under the version check (see ``_act``);
    the answer is the change as it is now."""

    def handler(self, request, pk=None):
        return self._act(request, body_class, lambda c, d: work(c, d, request.user))

    handler.__name__ = name
    handler.__doc__ = doc
    routed = action(detail=True, methods=["post"], **routing)(handler)
    return extend_schema(request=body_class, responses=ChangeSerializer)(routed)


class _InvalidTransition(TransitionError):
    def __init__(self, message):
        DjangoValidationError.__init__(self, message, code="transition")


def _as_transition(exc):
    """The services refuse a move the workflow does not allow with a
    ValidationError on ``state`` (code "transition"); the API answers it as
    it does for tickets: 409 ``invalid_transition`` naming both states."""
    if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
        errors = exc.error_dict
        if set(errors) == {"state"} and all(e.code == "transition" for e in errors["state"]):
            return _InvalidTransition(errors["state"][0].messages[0])
    return exc


class TimelinePagination(CursorPagination):
    ordering = ("at", "id")


def prefetched(queryset):
    return queryset.prefetch_related("services", "incident_links")


class _ChangeViewSet(StanchionViewSet):
    """Standard, normal and emergency changes."""

    queryset = Change.objects.all()
    serializer_class = ChangeSerializer
    permissions = CHANGE_PERMISSIONS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [*StanchionViewSet.filter_backends, ChangeOrdering]
    filterset_class = ChangeFilterSet
    ordering_fields = [
        "id",
        "number",
        "created_at",
        "updated_at",
        "planned_start",
        "closed_at",
        "state",
    ]

    def get_queryset(self):
        return with_sort_keys(prefetched(super().get_queryset()))

    def get_exception_handler(self):
        handler = super().get_exception_handler()
        return lambda exc, context: handler(_as_transition(exc), context)

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.ChangeCreateSerializer
        if self.action == "partial_update":
            return serializers.ChangeUpdateSerializer
        return ChangeSerializer

    def show(self, change, status_code=status.HTTP_200_OK):
        change = prefetched(Change.objects.all()).get(pk=change.pk)
        data = ChangeSerializer(change, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), change)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        change = services.create_change(
            actor=request.user,
            change_type=data.pop("change_type"),
            title=data.pop("title"),
            template=data.pop("template", None),
            services=data.pop("services", ()),
            **data,
        )
        return self.show(change, status.HTTP_201_CREATED)

    @extend_schema(responses=ChangeSerializer)
    def partial_update(self, request, *args, **kwargs):
        change = self.get_object()
        body = self.get_serializer(change, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "version" not in data and not request.headers.get("If-Match"):
            raise ValidationError(
                {"version": ["Send the version you read (this field or an If-Match header)."]}
            )
        return self._versioned(
            request,
            change,
            data,
            lambda record, changes: services.update_change(record, changes, actor=request.user),
        )

    def _versioned(self, request, change, data, work):
        _, conflict = run_versioned(
            request,
            change,
            data,
            work,
            represent=lambda current: (
                ChangeSerializer(prefetched(Change.objects).get(pk=current.pk)).data
            ),
        )
        return conflict if conflict is not None else self.show(change)

    def _act(self, request, body_class, work):
        change = self.get_object()
        body = body_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._versioned(request, change, dict(body.validated_data), work)

    submit = _step(
        "submit",
        VersionedActionSerializer,
        lambda change, data, actor: services.submit(change, actor=actor),
        """Put the draft forward: its risk is assessed and its conflicts
        found. A standard change with no conflicts is scheduled at once.""",
    )
    request_approval = _step(
        "request_approval",
        VersionedActionSerializer,
        lambda change, data, actor: approval_services.request_approval(change, actor=actor),
        """Ask for the approvals its risk level's policy requires (emergency
        changes: the emergency approvers); the approvers are notified.""",
        url_path="request-approval",
    )
    schedule = _step(
        "schedule",
        VersionedActionSerializer,
        lambda change, data, actor: services.schedule(change, actor=actor),
        """Fix the approved plan on the calendar. Refused until every
        approval is given and the conflicts are none or overridden.""",
    )
    start = _step(
        "start",
        VersionedActionSerializer,
        lambda change, data, actor: services.start_implementation(change, actor=actor),
        """Implementation starts now (the actual start).""",
    )
    finish = _step(
        "finish",
        serializers.FinishSerializer,
        lambda change, data, actor: services.finish_implementation(
            change, actor=actor, outcome=data["outcome"], notes=data["outcome_notes"]
        ),
        """Implementation ended now with an outcome; the change goes to review.""",
    )
    validation = _step(
        "validation",
        serializers.ValidationChecklistSerializer,
        lambda change, data, actor: services.update_validation(
            change, actor=actor, checklist=data["validation_checklist"]
        ),
        """Tick off the post-change validation checklist (the whole list).""",
    )
    close = _step(
        "close",
        serializers.CloseSerializer,
        lambda change, data, actor: services.close(
            change, actor=actor, retrospective=data["retrospective"]
        ),
        """Close the reviewed change: the checklist must be complete, and an
        emergency change needs its retrospective.""",
    )
    cancel = _step(
        "cancel",
        serializers.ChangeReasonSerializer,
        lambda change, data, actor: services.cancel(change, actor=actor, reason=data["reason"]),
        """Cancel a change that has not started, with the reason.""",
    )
    override_conflicts = _step(
        "override_conflicts",
        serializers.ChangeReasonSerializer,
        lambda change, data, actor: services.override_conflicts(
            change, actor=actor, reason=data["reason"]
        ),
        """Let approval go ahead despite the schedule conflicts, recording why.""",
        url_path="override-conflicts",
    )

    @extend_schema(
        request=serializers.ChangeCommentSerializer,
        responses={201: serializers.ChangeEventSerializer},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A note on the change's timeline. Comments never conflict, so they
        take no version."""
        change = self.get_object()
        body = serializers.ChangeCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.add_comment(change, actor=request.user, body=body.validated_data["body"])
        data = serializers.ChangeEventSerializer(event).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.LinkIncidentSerializer,
        responses={201: serializers.ChangeIncidentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="link-incident")
    def link_incident(self, request, pk=None):
        """Record that this change caused an incident: it counts as failed."""
        change = self.get_object()
        body = serializers.LinkIncidentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident = body.validated_data["incident"]
        if not Ticket.objects.visible_to(request.user).filter(pk=incident.pk).exists():
            raise ValidationError(
                {"incident": [f'Invalid pk "{incident.pk}" - object does not exist.']}
            )
        link = links.link_incident(
            change, incident, actor=request.user, note=body.validated_data["note"]
        )
        data = serializers.ChangeIncidentSerializer(link).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.UnlinkIncidentSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"], url_path="unlink-incident")
    def unlink_incident(self, request, pk=None):
        """Remove a "caused by this change" link made in error."""
        change = self.get_object()
        body = serializers.UnlinkIncidentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident_id = body.validated_data["incident"]
        link = change.incident_links.filter(incident_id=incident_id).first()
        if link is None:
            raise ValidationError(
                {"incident": [f"Incident {incident_id} is not linked to {change.number}."]}
            )
        links.unlink_incident(link, actor=request.user)
        return self.show(change)

    @extend_schema(responses=serializers.ChangeEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=TimelinePagination, filter_backends=[])
    def timeline(self, request, pk=None):
        """The change's history, oldest first: steps, decisions, comments."""
        change = self.get_object()
        events = ChangeEvent.objects.visible_to(request.user).filter(change=change)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(serializers.ChangeEventSerializer(page, many=True).data)

    @extend_schema(responses=serializers.RiskPreviewSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def risk(self, request, pk=None):
        """The risk score of the plan as it stands now, factor by factor
        (nothing is stored: the change keeps the assessment it was given
        when it was submitted, shown as ``stored``)."""
        change = self.get_object()
        assessment = risk.assess(change, now=timezone.now())
        body = {
            "change": change.pk,
            "score": int(assessment.score),
            "level": assessment.level,
            "factors": list(assessment.factors),
            "stored": {
                "score": change.risk_score,
                "level": change.risk_level,
                "factors": change.risk_factors,
            },
        }
        return Response(serializers.RiskPreviewSerializer(body).data)

    @extend_schema(responses=serializers.RiskQuestionSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        url_path="risk-questions",
        pagination_class=None,
        filter_backends=[],
    )
    def risk_questions(self, request):
        """The risk questionnaire: send the answers as ``risk_answers``
        ({question key: choice value})."""
        rows = [
            {
                "key": question["key"],
                "question": question["question"],
                "choices": [
                    {"value": value, "label": label, "points": points}
                    for value, label, points in question["choices"]
                ],
            }
            for question in risk.QUESTIONS
        ]
        return Response(serializers.RiskQuestionSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.ConflictCheckInputSerializer,
        responses=serializers.ConflictCheckSerializer,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="conflict-check",
        pagination_class=None,
        filter_backends=[],
    )
    def conflict_check(self, request):
        """What would stand in the way of work on these services at this
        time: other planned changes on them or on services depending on
        them, time outside their maintenance windows, blackouts. Writes
        nothing (a POST only because the question has a body)."""
        query = serializers.ConflictCheckInputSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        exclude = data.get("exclude")
        if exclude is not None and not self.get_queryset().filter(pk=exclude).exists():
            raise ValidationError({"exclude": [f'Invalid pk "{exclude}" - object does not exist.']})
        found = schedule_conflicts.find_conflicts(
            services=data["services"], start=data["start"], end=data["end"], exclude=exclude
        )
        body = {
            "services": [service.pk for service in data["services"]],
            "start": data["start"],
            "end": data["end"],
            "conflicts": found,
        }
        return Response(serializers.ConflictCheckSerializer(body).data)


@extend_schema_view(
    create=extend_schema(
        request=serializers.ChangeCreateSerializer, responses={201: ChangeSerializer}
    )
)
class ChangeViewSet(IdempotentCreateMixin, _ChangeViewSet):
    """Standard, normal and emergency changes. Raising one may be retried
    safely with an ``Idempotency-Key`` header."""
