"""/api/cab-meetings/: planning a change advisory board meeting, building
its agenda from the changes awaiting the CAB, recording its decisions and
attendance, and holding it."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.tickets.api.base import run_versioned, with_etag

from ..choices import CabMeetingState
from ..models import CabAgendaItem, CabMeeting
from ..services import cab as services
from . import serializers_admin as serializers
from .filtersets import CabMeetingFilterSet

CAB_PERMISSIONS = {
    **crud_permissions("cabmeeting", writable=("create", "partial_update")),
    "build_agenda": "cabmeeting.change",
    "decide": "cabmeeting.change",
    "attendance": "cabmeeting.change",
    "hold": "cabmeeting.change",
    "cancel": "cabmeeting.change",
}


def prefetched(queryset):
    return queryset.prefetch_related(
        Prefetch("agenda", queryset=CabAgendaItem.objects.select_related("change")),
        "attendance",
    )


class CabMeetingViewSet(StanchionViewSet):
    """CAB meetings, newest first."""

    queryset = CabMeeting.objects.all()
    serializer_class = serializers.CabMeetingSerializer
    permissions = CAB_PERMISSIONS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = CabMeetingFilterSet
    ordering_fields = ["id", "starts_at"]

    def get_queryset(self):
        return prefetched(super().get_queryset())

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.plan_cab_meeting(
            actor=self.request.user,
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data.get("location", ""),
            chair=data.get("chair"),
            attendees=data.get("attendees", ()),
        )

    def perform_versioned_update(self, instance, data, expected_version):
        if instance.state != CabMeetingState.PLANNED:
            label = CabMeetingState.label(instance.state).lower()
            raise ValidationError({"state": [f"A {label} meeting cannot be edited."]})
        return super().perform_versioned_update(instance, data, expected_version)

    def show(self, meeting):
        meeting = prefetched(CabMeeting.objects.all()).get(pk=meeting.pk)
        return with_etag(Response(self.get_serializer(meeting).data), meeting)

    def _act(self, request, body_class, work):
        meeting = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        _, conflict = run_versioned(
            request,
            meeting,
            dict(body.validated_data),
            work,
            represent=lambda current: (
                self.get_serializer(prefetched(CabMeeting.objects.all()).get(pk=current.pk)).data
            ),
        )
        return conflict if conflict is not None else self.show(meeting)

    @extend_schema(
        request=serializers.MeetingActionSerializer, responses=serializers.CabMeetingSerializer
    )
    @action(detail=True, methods=["post"], url_path="build-agenda")
    def build_agenda(self, request, pk=None):
        """Put every change awaiting a CAB decision on the agenda (those
        already on it keep their place)."""
        return self._act(
            request,
            serializers.MeetingActionSerializer,
            lambda meeting, data: services.build_agenda(meeting, actor=request.user),
        )

    @extend_schema(
        request=serializers.CabDecisionSerializer, responses=serializers.CabMeetingSerializer
    )
    @action(detail=True, methods=["post"], url_path="decisions")
    def decide(self, request, pk=None):
        """Record the CAB's decision on one agenda item: approved or
        rejected decides the change's CAB approval; deferred leaves it
        pending for a later meeting."""

        def work(meeting, data):
            item = meeting.agenda.filter(pk=data["item"]).first()
            if item is None:
                raise ValidationError(
                    {"item": [f"Agenda item {data['item']} is not on this meeting's agenda."]}
                )
            return services.record_cab_decision(
                item, actor=request.user, decision=data["decision"], note=data["note"]
            )

        return self._act(request, serializers.CabDecisionSerializer, work)

    @extend_schema(
        request=serializers.AttendanceSerializer, responses=serializers.CabMeetingSerializer
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Who attended (everyone else invited is recorded as absent)."""
        return self._act(
            request,
            serializers.AttendanceSerializer,
            lambda meeting, data: services.record_attendance(
                meeting, actor=request.user, attended_user_ids=data["attended"]
            ),
        )

    @extend_schema(request=serializers.HoldSerializer, responses=serializers.CabMeetingSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """The meeting took place: record its minutes."""
        return self._act(
            request,
            serializers.HoldSerializer,
            lambda meeting, data: services.hold_meeting(
                meeting, actor=request.user, minutes=data["minutes"]
            ),
        )

    @extend_schema(
        request=serializers.MeetingActionSerializer, responses=serializers.CabMeetingSerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Call off a planned meeting."""
        return self._act(
            request,
            serializers.MeetingActionSerializer,
            lambda meeting, data: services.cancel_cab_meeting(meeting, actor=request.user),
        )
