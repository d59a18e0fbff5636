"""/api/problems/, /api/problem-incidents/ and /api/root-cause-categories/.

Problems are raised and edited through the usual routes; a state change is
``POST /api/problems/{id}/transition/`` and a comment ``.../comment/``. A
move the workflow does not allow is 409 ``invalid_transition`` naming both
states; a refused one says why (400 naming the field). Linking an incident
is ``POST /api/problem-incidents/`` with the incident's number; unknown
tickets, service requests and repeats are refused naming ``incident``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.errors import TransitionError
from stanchion.tickets.api.base import run_versioned, with_etag

from .. import services
from ..models import Problem, ProblemIncident, RootCauseCategory
from . import serializers
from .filtersets import ProblemFilterSet, ProblemIncidentFilterSet


class _InvalidTransition(TransitionError):
    def __init__(self, message):
        DjangoValidationError.__init__(self, message, code="transition")


def _as_transition(exc):
    if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
        errors = exc.error_dict
        if set(errors) == {"state"} and all(e.code == "transition" for e in errors["state"]):
            return _InvalidTransition(errors["state"][0].messages[0])
    return exc


def _with_links(queryset):
    return queryset.prefetch_related(
        "services",
        Prefetch(
            "incident_links",
            queryset=ProblemIncident.objects.select_related("incident").only(
                "id", "problem_id", "incident__number"
            ),
        ),
    ).select_related("fix_change")


class ProblemViewSet(StanchionViewSet):
    """Problems and known errors. ``?q=`` searches number, title,
    description and workaround; ``?state=known_error`` lists known errors."""

    queryset = Problem.objects.all()
    serializer_class = serializers.ProblemSerializer
    permissions = {
        "list": "problem.view",
        "retrieve": "problem.view",
        "create": "problem.add",
        "partial_update": "problem.change",
        "transition": "problem.change",
        "comment": "problem.comment",
    }
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = ProblemFilterSet
    ordering_fields = ["id", "number", "created_at", "updated_at", "priority", "state"]
    create_service = staticmethod(services.create_problem)

    def get_queryset(self):
        return _with_links(super().get_queryset())

    def get_exception_handler(self):
        handler = super().get_exception_handler()
        return lambda exc, context: handler(_as_transition(exc), context)

    def perform_versioned_update(self, instance, data, expected_version):
        return services.update_problem(
            instance, data, actor=self.request.user, expected_version=expected_version
        )

    def _show(self, problem, status_code=status.HTTP_200_OK):
        problem = _with_links(Problem.objects.all()).get(pk=problem.pk)
        data = serializers.ProblemSerializer(problem, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), problem)

    @extend_schema(
        request=serializers.TransitionSerializer, responses=serializers.ProblemSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the problem to another state (``note`` says why; resolving
        without a fix change needs one)."""
        problem = self.get_object()
        body = serializers.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        moved, conflict = run_versioned(
            request,
            problem,
            data,
            lambda p, d: services.move_problem(
                p, d["state"], actor=request.user, note=d.get("note", "")
            ),
            represent=lambda p: self._show(p).data,
        )
        return conflict or self._show(moved)

    @extend_schema(
        request=serializers.CommentSerializer, responses={201: serializers.ProblemEventSerializer}
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Add a comment to the problem's timeline (Markdown)."""
        problem = self.get_object()
        body = serializers.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.add_comment(problem, actor=request.user, body=body.validated_data["body"])
        return Response(
            serializers.ProblemEventSerializer(event).data, status=status.HTTP_201_CREATED
        )


class ProblemIncidentViewSet(StanchionViewSet):
    """Incidents linked to problems: ``?problem=`` or ``?incident=`` (ids)."""

    queryset = ProblemIncident.objects.select_related("incident")
    serializer_class = serializers.ProblemIncidentSerializer
    permissions = {
        "list": "problemincident.view",
        "retrieve": "problemincident.view",
        "create": "problemincident.add",
        "destroy": "problemincident.delete",
    }
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = ProblemIncidentFilterSet
    ordering_fields = ["id", "created_at"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        incident = data["incident"].strip()
        # "²".isdigit() is true but int() refuses it: only ASCII digits are an
        # id (18 fit a bigint); anything else is looked up as a number.
        if incident.isascii() and incident.isdigit():
            if len(incident) > 18:
                raise DjangoValidationError(
                    {"incident": f"There is no incident with id {incident}."}
                )
            from stanchion.tickets.models import Ticket

            found = Ticket.objects.filter(pk=int(incident)).first()
            if found is None:
                raise DjangoValidationError(
                    {"incident": f"There is no incident with id {incident}."}
                )
            incident = found
        serializer.instance = services.link_incident(
            data["problem"], incident, actor=self.request.user, note=data.get("note", "")
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.unlink_incident(instance, actor=self.request.user)


class RootCauseCategoryViewSet(StanchionViewSet):
    """The root-cause taxonomy (kept by IT administrators)."""

    queryset = RootCauseCategory.objects.all()
    serializer_class = serializers.RootCauseCategorySerializer
    permissions = crud_permissions("rootcausecategory")
    ordering_fields = ["id", "name"]

    @staticmethod
    def create_service(*, actor, **fields):
        from stanchion.core.services import creator

        return creator(RootCauseCategory)(actor=actor, **fields)
