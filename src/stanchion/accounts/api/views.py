from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.services import creator, update_fields

from .. import services
from ..filtersets import (
    ApiTokenFilterSet,
    PersonFilterSet,
    TeamFilterSet,
    TeamMembershipFilterSet,
    UserFilterSet,
)
from ..models import ApiToken, Department, Location, Person, Team, TeamMembership, User
from . import serializers


class LocationViewSet(StanchionViewSet):
    queryset = Location.objects.all()
    serializer_class = serializers.LocationSerializer
    permissions = crud_permissions("location")
    create_service = staticmethod(creator(Location))
    ordering_fields = ["name", "id"]
    filterset_fields = ["country"]


class DepartmentViewSet(StanchionViewSet):
    queryset = Department.objects.all()
    serializer_class = serializers.DepartmentSerializer
    permissions = crud_permissions("department")
    create_service = staticmethod(creator(Department))
    ordering_fields = ["name", "id"]


class PersonViewSet(StanchionViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    permissions = crud_permissions("person")
    create_service = staticmethod(services.create_person)
    filterset_class = PersonFilterSet
    ordering_fields = ["name", "email", "employee_id", "created_at", "id"]


class TeamViewSet(StanchionViewSet):
    queryset = Team.objects.prefetch_related("members")
    serializer_class = serializers.TeamSerializer
    permissions = crud_permissions("team")
    create_service = staticmethod(services.create_team)
    filterset_class = TeamFilterSet
    ordering_fields = ["name", "tier", "id"]


class TeamMembershipViewSet(StanchionViewSet):
    queryset = TeamMembership.objects.select_related("team", "user")
    serializer_class = serializers.TeamMembershipSerializer
    permissions = {
        "list": "teammembership.view",
        "retrieve": "teammembership.view",
        "create": "teammembership.add",
        "destroy": "teammembership.delete",
    }
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = TeamMembershipFilterSet
    ordering_fields = ["id", "created_at"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_team_member(
            data["team"], data["user"], actor=self.request.user
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.remove_team_member(instance, actor=self.request.user)


class UserViewSet(StanchionViewSet):
    queryset = User.objects.select_related("person")
    serializer_class = serializers.UserSerializer
    permissions = {**crud_permissions("user"), "me": None}
    filterset_class = UserFilterSet
    ordering_fields = ["full_name", "email", "id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.setdefault("role", User._meta.get_field("role").default)
        serializer.instance = services.create_user(actor=self.request.user, **data)

    def perform_versioned_update(self, instance, data, expected_version):
        password = data.pop("password", None)
        user = update_fields(
            instance, data, actor=self.request.user, expected_version=expected_version
        )
        if password:
            user = services.set_password(user, password, actor=self.request.user)
        return user

    def perform_versioned_delete(self, instance, expected_version):
        # Users are deactivated, never deleted: the audit trail and tickets
        # keep pointing at them.
        if instance.pk == self.request.user.pk:
            raise ValidationError("You cannot deactivate yourself.")
        update_fields(
            instance,
            {"is_active": False},
            actor=self.request.user,
            expected_version=expected_version,
        )

    @action(detail=False, methods=["get"])
    def me(self, request):
        """The signed-in user."""
        return Response(self.get_serializer(request.user).data)


class ApiTokenViewSet(StanchionViewSet):
    """Your API tokens. Creating one returns its key once; deleting revokes it."""

    queryset = ApiToken.objects.select_related("user")
    serializer_class = serializers.ApiTokenSerializer
    permissions = {
        "list": "apitoken.view",
        "retrieve": "apitoken.view",
        "create": "apitoken.add",
        "destroy": "apitoken.delete",
    }
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = ApiTokenFilterSet
    ordering_fields = ["id", "created_at", "expires_at"]

    def get_queryset(self):
        queryset = super().get_queryset()
        # Even auditors and administrators may only revoke their own tokens.
        if self.action == "destroy":
            queryset = queryset.filter(user=self.request.user)
        return queryset

    @extend_schema(responses={201: serializers.ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, raw = services.issue_token(
            actor=request.user,
            user=request.user,
            name=data["name"],
            scope=data.get("scope", "read"),
            expires_at=data.get("expires_at"),
        )
        token.key = raw
        return Response(
            serializers.ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.revoke_token(instance, actor=self.request.user)
