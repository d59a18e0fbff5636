"""/api/change-approvals/, /api/change-delegations/, /api/change-templates/,
/api/maintenance-windows/ and /api/blackouts/."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.errors import ConflictError
from stanchion.tickets.api.base import ReadOnlyViewSet, run_versioned, with_etag

from .. import windows
from ..models import (
    ApprovalDelegation,
    Blackout,
    ChangeApproval,
    ChangeTemplate,
    MaintenanceWindow,
)
from ..services import approvals, delegation, records
from . import serializers_admin as serializers
from .filtersets import (
    ApprovalDelegationFilterSet,
    BlackoutFilterSet,
    ChangeApprovalFilterSet,
    ChangeTemplateFilterSet,
    MaintenanceWindowFilterSet,
)

MAX_OCCURRENCE_RANGE = timedelta(days=366)


class ChangeApprovalViewSet(ReadOnlyViewSet):
    """The approvals changes need. ``?mine=true`` is your inbox: the pending
    approvals addressed to you, or to someone you stand in for while they
    are away."""

    queryset = ChangeApproval.objects.prefetch_related("approvers")
    serializer_class = serializers.ChangeApprovalSerializer
    permissions = {
        "list": "changeapproval.view",
        "retrieve": "changeapproval.view",
        "approve": "changeapproval.decide",
        "reject": "changeapproval.decide",
        # No create route: asked only when OPTIONS describes the POST actions.
        "create": "changeapproval.decide",
    }
    filterset_class = ChangeApprovalFilterSet
    ordering_fields = ["id", "created_at", "decided_at"]

    def _decide(self, request, approve):
        approval = self.get_object()
        body = serializers.ChangeDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _, conflict = run_versioned(
            request,
            approval,
            dict(body.validated_data),
            lambda record, data: approvals.decide(
                record, actor=request.user, approve=approve, comment=data["comment"]
            ),
            represent=lambda current: self.get_serializer(current).data,
        )
        if conflict is not None:
            return conflict
        approval = self.get_queryset().get(pk=approval.pk)
        return with_etag(Response(self.get_serializer(approval).data), approval)

    @extend_schema(
        request=serializers.ChangeDecisionSerializer, responses=serializers.ChangeApprovalSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve, with an optional comment. When it was the last approval
        the change is approved and can be scheduled."""
        return self._decide(request, True)

    @extend_schema(
        request=serializers.ChangeDecisionSerializer, responses=serializers.ChangeApprovalSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject, saying why: the change goes back to assessment."""
        return self._decide(request, False)


class ApprovalDelegationViewSet(StanchionViewSet):
    """Your approval delegations: who decides your change approvals while
    you are away. You see the ones you gave and the ones you received;
    IT administrators see all."""

    queryset = ApprovalDelegation.objects.all()
    serializer_class = serializers.ApprovalDelegationSerializer
    permissions = crud_permissions("approvaldelegation", writable=("create", "destroy"))
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = ApprovalDelegationFilterSet
    ordering_fields = ["id", "starts_at", "ends_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = delegation.delegate_approvals(actor=self.request.user, **data)

    def perform_versioned_delete(self, instance, expected_version):
        if expected_version is not None and expected_version != instance.version:
            raise ConflictError(instance, expected_version)
        delegation.revoke_delegation(instance, actor=self.request.user)


class _ServicesViewSet(StanchionViewSet):
    """Records with a list of services, written as a whole."""

    queryset = None

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        linked = data.pop("services", [])
        serializer.instance = records.create_with_services(
            self.queryset.model, data, actor=self.request.user, services=linked
        )

    def perform_versioned_update(self, instance, data, expected_version):
        return records.update_with_services(
            instance, data, actor=self.request.user, expected_version=expected_version
        )


class ChangeTemplateViewSet(_ServicesViewSet):
    """Standard change templates: pre-approved, low-risk changes."""

    queryset = ChangeTemplate.objects.prefetch_related("services")
    serializer_class = serializers.ChangeTemplateSerializer
    permissions = crud_permissions("changetemplate")
    filterset_class = ChangeTemplateFilterSet
    ordering_fields = ["id", "name"]


class BlackoutViewSet(_ServicesViewSet):
    """Change freezes, global (no services) or on some services."""

    queryset = Blackout.objects.prefetch_related("services")
    serializer_class = serializers.BlackoutSerializer
    permissions = crud_permissions("blackout")
    filterset_class = BlackoutFilterSet
    ordering_fields = ["id", "starts_at", "ends_at"]


class MaintenanceWindowViewSet(StanchionViewSet):
    """Recurring maintenance windows of services, in the time zone of the
    service's calendar."""

    queryset = MaintenanceWindow.objects.select_related("service__calendar")
    serializer_class = serializers.MaintenanceWindowSerializer
    permissions = {**crud_permissions("maintenancewindow"), "occurrences": "maintenancewindow.view"}
    create_service = staticmethod(records.create_window)
    filterset_class = MaintenanceWindowFilterSet
    ordering_fields = ["id", "name"]

    @extend_schema(
        parameters=[serializers.OccurrenceQuerySerializer],
        responses=serializers.WindowOccurrencesSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def occurrences(self, request, pk=None):
        """When the window is open between ``start`` and ``end`` (at most a
        year apart; default: the next 14 days), as UTC instants."""
        window = self.get_object()
        query = serializers.OccurrenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data.get("start") or timezone.now()
        end = query.validated_data.get("end") or start + timedelta(days=14)
        if end <= start:
            raise ValidationError({"end": ["The end must be after the start."]})
        if end - start > MAX_OCCURRENCE_RANGE:
            raise ValidationError({"end": ["Ask for at most a year of occurrences at a time."]})
        rows = windows.occurrences(window, start, end)
        body = {
            "window": window.pk,
            "time_zone": window.service.calendar.time_zone,
            "start": start,
            "end": end,
            "occurrences": [{"start": s, "end": e} for s, e in rows],
        }
        return Response(serializers.WindowOccurrencesSerializer(body).data)
