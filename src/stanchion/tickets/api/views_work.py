"""/api/tasks/, /api/approvals/ and /api/categories/."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.services import creator

from .. import services
from ..models import Approval, Category, Task
from . import serializers_work as serializers
from .base import ReadOnlyViewSet, with_etag
from .filtersets import ApprovalFilterSet, CategoryFilterSet, TaskFilterSet


class TaskViewSet(ReadOnlyViewSet):
    """Fulfilment tasks of service requests; the team works them through."""

    queryset = Task.objects.all()
    serializer_class = serializers.TaskSerializer
    permissions = {
        "list": "task.view",
        "retrieve": "task.view",
        "start": "task.change",
        "complete": "task.change",
        # No create route: asked only when OPTIONS describes the POST actions.
        "create": "task.change",
    }
    filterset_class = TaskFilterSet
    ordering_fields = ["id", "number", "stage", "opened_at", "created_at"]

    def _show(self, task):
        task = Task.objects.get(pk=task.pk)
        return with_etag(Response(self.get_serializer(task).data), task)

    @extend_schema(request=None, responses=serializers.TaskSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Work on it now; the caller becomes the assignee if there is none."""
        return self._show(services.start_task(self.get_object(), actor=request.user))

    @extend_schema(request=serializers.CompleteTaskSerializer, responses=serializers.TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Done. The next stage opens; after the last, the request is resolved."""
        task = self.get_object()
        body = serializers.CompleteTaskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notes = body.validated_data.get("notes", "")
        return self._show(services.complete_task(task, actor=request.user, notes=notes))


class ApprovalViewSet(ReadOnlyViewSet):
    """Approvals of service requests. IT staff see all of them; anyone else
    sees those addressed to them (as approver or through their team)."""

    queryset = Approval.objects.select_related("ticket")
    serializer_class = serializers.ApprovalSerializer
    # Reading needs no permission of its own: the queryset shows each user
    # exactly the approvals addressed to them (everything, for IT staff).
    permissions = {
        "list": None,
        "retrieve": None,
        "approve": "approval.decide",
        "reject": "approval.decide",
        # No create route: asked only when OPTIONS describes the POST actions.
        "create": "approval.decide",
    }
    filterset_class = ApprovalFilterSet
    ordering_fields = ["id", "created_at", "decided_at"]

    def _decide(self, request, decide):
        approval = self.get_object()
        body = serializers.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide(approval, actor=request.user, comment=body.validated_data.get("comment", ""))
        approval = self.get_queryset().get(pk=approval.pk)
        return with_etag(Response(self.get_serializer(approval).data), approval)

    @extend_schema(request=serializers.DecisionSerializer, responses=serializers.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve; when it was the last approval, fulfilment starts."""
        return self._decide(request, services.approve)

    @extend_schema(request=serializers.DecisionSerializer, responses=serializers.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a reason: the request is closed with it."""
        return self._decide(request, services.reject)


class CategoryViewSet(StanchionViewSet):
    """The ticket taxonomy: categories and their subcategories (one level)."""

    queryset = Category.objects.all()
    serializer_class = serializers.CategorySerializer
    permissions = crud_permissions("category")
    create_service = staticmethod(creator(Category))
    filterset_class = CategoryFilterSet
    ordering_fields = ["id", "name"]
